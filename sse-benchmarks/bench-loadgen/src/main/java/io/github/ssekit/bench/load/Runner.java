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
		this.scenarios = selected(scenarios(harness), System.getProperty("bench.scenarios", ""));
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
	 * The scenarios named in {@code bench.scenarios} (comma-separated), or all of them
	 * when it is empty.
	 */
	private static List<Scenario> selected(List<Scenario> scenarios, String names) {
		if (names.isBlank()) {
			return scenarios;
		}
		List<String> wanted = List.of(names.split("\\s*,\\s*"));
		return scenarios.stream().filter((scenario) -> wanted.contains(scenario.name())).toList();
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
		for (ServerSpec spec : inOrder(ServerSpec.all(), only)) {
			runOn(spec);
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
	 * The servers named, in the order named (so that a before and after can run in either
	 * order), or all of them when none is.
	 */
	private static List<ServerSpec> inOrder(List<ServerSpec> all, List<String> names) {
		if (names.isEmpty()) {
			return all;
		}
		List<ServerSpec> servers = new ArrayList<>();
		for (String name : names) {
			all.stream().filter((spec) -> spec.name().equals(name)).findFirst().ifPresent(servers::add);
		}
		return servers;
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
				if (scenario.runsOn(spec)) {
					scenario.runOn(spec, server);
				}
			}
		}
	}

}
