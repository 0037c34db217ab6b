package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every scenario runs with: the run's mode and folders, the JDKs, the server JVMs
 * and the load-generator JVMs it starts, the steps the scenarios share on them, and the
 * failures of the run.
 *
 * @author ssekit
 */
final class Harness {

	static final int MAX_CONNECTIONS_PER_PROCESS = 7500;

	/**
	 * System property that, when {@code true}, records every server with JFR's
	 * {@code profile} settings into
	 * {@code sse-benchmarks/target/run/<server>-<port>.jfr}.
	 */
	static final String JFR = "bench.jfr";

	final Path root;

	final Mode mode;

	final Path work;

	final Path docs;

	final String java;

	final String java25;

	/** Scenarios that failed, for the report. */
	final List<String> failures = new ArrayList<>();

	private int nextPort = Integer.getInteger("bench.port", 18080);

	Harness(Path root, Mode mode) {
		this.root = root;
		this.mode = mode;
		this.work = root.resolve("sse-benchmarks/target/run");
		this.docs = root.resolve(System.getProperty("bench.docs", "docs"));
		this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.java25 = System.getProperty("bench.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java";
	}

	/**
	 * Run a step of a scenario; if it fails, log it and record it for the report, and
	 * carry on.
	 * @param what what the step is, e.g. {@code ssekit-tomcat idle}
	 * @param step the step
	 */
	void guarded(String what, Step step) {
		try {
			step.run();
		}
		catch (Exception ex) {
			log("!! " + what + " failed: " + ex);
			this.failures.add(what + ": " + ex.getMessage());
		}
	}

	Procs.Server startServer(ServerSpec spec, String javaCommand, List<String> jvmOptions, List<String> arguments)
			throws Exception {
		return startServer(spec, javaCommand, jvmOptions, arguments, Optional.empty());
	}

	/**
	 * Start a server, in the given network namespace if there is one.
	 */
	Procs.Server startServer(ServerSpec spec, String javaCommand, List<String> jvmOptions, List<String> arguments,
			Optional<Netns> netns) throws Exception {
		int port = this.nextPort++;
		String host = netns.isPresent() ? Netns.SERVER_ADDRESS : "127.0.0.1";
		List<String> command = new ArrayList<>();
		command.add(javaCommand);
		command.addAll(List.of("-Xms1g", "-Xmx3g", "-XX:+UseG1GC"));
		command.addAll(jvmOptions);
		if (Boolean.getBoolean(JFR)) {
			command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
					+ this.work.resolve(spec.name() + "-" + port + ".jfr"));
		}
		command.add("-cp");
		command.add(Classpaths.forServer((spec.root() != null) ? spec.root() : this.root, spec.classpath()));
		command.add(spec.mainClass());
		command.add("--server.port=" + port);
		command.add("--server.address=" + host);
		command.addAll(spec.arguments());
		command.addAll(arguments);
		log("starting " + spec.name() + " on port " + port);
		Procs.Server server = new Procs.Server(spec.name(), host, port,
				netns.isPresent() ? netns.get().wrap(command) : command,
				this.work.resolve(spec.name() + "-" + port + ".log"));
		server.awaitUp(Duration.ofSeconds(120));
		return server;
	}

	List<Procs.Load> openLoad(Procs.Server server, String path, int connections, int stalled) throws Exception {
		List<Procs.Load> loads = new ArrayList<>();
		int processes = (connections + MAX_CONNECTIONS_PER_PROCESS - 1) / MAX_CONNECTIONS_PER_PROCESS;
		int remaining = connections;
		int remainingStalled = stalled;
		for (int i = 0; i < processes; i++) {
			int count = remaining / (processes - i);
			int stalledHere = remainingStalled / (processes - i);
			remaining -= count;
			remainingStalled -= stalledHere;
			List<String> command = List.of(this.java, "-Xms256m", "-Xmx768m", "-XX:+UseParallelGC", "-cp",
					Classpaths.forLoadGen(this.root), LoadGen.class.getName(), server.host, String.valueOf(server.port),
					path, String.valueOf(count), String.valueOf(stalledHere), "4096", "1500");
			loads.add(new Procs.Load(command, this.work.resolve("loadgen-" + server.port + "-" + i + ".log")));
		}
		for (Procs.Load load : loads) {
			try {
				Map<String, String> ready = load.await("ready ", Duration.ofSeconds(30 + connections / 250));
				if (!"0".equals(ready.get("failed"))) {
					log("   connections failed: " + ready.get("failed"));
				}
			}
			catch (IllegalStateException ex) {
				Map<String, String> status = load.command("status", "status ", Duration.ofSeconds(10));
				log("   not every connection established in time: " + status);
			}
		}
		return loads;
	}

	int awaitOpen(Procs.Server server, List<Procs.Load> loads, int expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30 + expected / 250).toNanos();
		int count;
		while (true) {
			count = server.subscribers();
			if (count >= expected || System.nanoTime() > deadline) {
				break;
			}
			// every client has its response, and the ones missing closed: waiting longer
			// gains nothing
			if (sum(loads, "headers") >= expected && count + sum(loads, "closed") >= expected) {
				Thread.sleep(500);
				count = server.subscribers();
				break;
			}
			Thread.sleep(250);
		}
		if (count < expected) {
			long headers = sum(loads, "headers");
			long closed = sum(loads, "closed");
			log("   only " + count + " of " + expected + " subscribers registered (" + headers + " responses received, "
					+ closed + " connections closed)");
		}
		return count;
	}

	static void closeAll(List<Procs.Load> loads) throws InterruptedException {
		for (Procs.Load load : loads) {
			load.close();
		}
	}

	private int awaitSubscribers(Procs.Server server, int expected, boolean atLeast, Duration timeout)
			throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		int count;
		while (true) {
			count = server.subscribers();
			if ((atLeast && count >= expected) || (!atLeast && count <= expected) || System.nanoTime() > deadline) {
				return count;
			}
			Thread.sleep(200);
		}
	}

	void afterClients(Procs.Server server) throws Exception {
		server.post("/control/sweep");
		int left = awaitSubscribers(server, 0, false, Duration.ofSeconds(4));
		if (left > 0) {
			server.post("/control/sweep");
			left = awaitSubscribers(server, 0, false, Duration.ofSeconds(2));
			if (left > 0) {
				log("   " + left + " subscribers still registered after the clients left");
			}
		}
	}

	/** A figure of the load generators' {@code status}, summed over them. */
	static long sum(List<Procs.Load> loads, String key) throws Exception {
		long total = 0;
		for (Procs.Load load : loads) {
			total += Long.parseLong(load.command("status", "status ", Duration.ofSeconds(10)).get(key));
		}
		return total;
	}

	/** The server's used heap after {@code System.gc()}. */
	static long heapAfterGc(Procs.Server server) throws IOException, InterruptedException {
		return Long.parseLong(server.get("/control/stats?gc=true").get("heapUsed"));
	}

	static void log(String message) {
		System.out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
		System.out.flush();
	}

	/**
	 * A step of a scenario.
	 */
	@FunctionalInterface
	interface Step {

		void run() throws Exception;

	}

}
