package io.github.ssekit.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every scenario of the benchmark against every server, each server in its own JVM
 * and the load in separate load-generator JVMs, then writes the CSV files, the charts and
 * {@code docs/benchmarks.md}. Started by {@code bench/run.sh [quick|full]}.
 *
 * @author ssekit
 */
public final class Runner {

	private final Harness harness;

	private final List<Scenario> scenarios;

	Runner(Harness harness) {
		this.harness = harness;
		this.scenarios = scenarios(harness);
	}

	/**
	 * The scenarios, in the order they run on each server and appear in the report; a new
	 * one is added here.
	 * @param harness what they run with
	 * @return the scenarios
	 */
	static List<Scenario> scenarios(Harness harness) {
		BroadcastScenario broadcast = new BroadcastScenario(harness);
		return List.of(new IdleScenario(harness), new SingleStreamScenario(harness), broadcast,
				new StallScenario(harness), new VirtualThreadsScenario(harness, broadcast), new JmhScenario(harness));
	}

	/**
	 * Run the benchmark.
	 * @param args {@code quick} or {@code full}, optionally followed by server names to
	 * run only those
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("charts")) {
			Charts.redraw(Path.of(System.getProperty("bench.docs", "docs")).resolve("benchmarks"));
			return;
		}
		Mode mode = Mode.of((args.length > 0) ? args[0] : "quick");
		Runner runner = new Runner(new Harness(Path.of("").toAbsolutePath(), mode));
		List<String> only = (args.length > 1) ? List.of(args).subList(1, args.length) : List.of();
		runner.run(only);
	}

	void run(List<String> only) throws Exception {
		Files.createDirectories(this.harness.work);
		Files.createDirectories(this.harness.docs.resolve("benchmarks"));
		Instant started = Instant.now();
		for (ServerSpec spec : ServerSpec.all()) {
			if (only.isEmpty() || only.contains(spec.name())) {
				runOn(spec);
			}
		}
		for (Scenario scenario : this.scenarios) {
			if (only.isEmpty() || only.contains(scenario.name())) {
				scenario.runAlone();
			}
		}
		Instant finished = Instant.now();
		new Report(this.harness, this.scenarios, started, finished).write();
		Harness.log("done in " + Duration.between(started, finished).toSeconds() + " s");
	}

	/**
	 * Start the server with what every scenario needs, and run the scenarios on it one
	 * after the other.
	 */
	private void runOn(ServerSpec spec) throws Exception {
		List<String> arguments = new ArrayList<>();
		for (Scenario scenario : this.scenarios) {
			arguments.addAll(scenario.serverArguments());
		}
		try (Procs.Server server = this.harness.startServer(spec, this.harness.java, List.of(), arguments)) {
			for (Scenario scenario : this.scenarios) {
				scenario.runOn(spec, server);
			}
		}
	}

}
