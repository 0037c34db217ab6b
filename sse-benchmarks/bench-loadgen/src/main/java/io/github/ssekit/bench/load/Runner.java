package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Runs every scenario of the benchmark against every server, each server in its own JVM and the load in
 * separate load-generator JVMs, then writes the CSV files, the charts and {@code docs/benchmarks.md}.
 * Started by {@code bench/run.sh [quick|full]}.
 */
public final class Runner {

	static final int MAX_CONNECTIONS_PER_PROCESS = 7500;

	private static final Pattern START_TIME = Pattern
		.compile("startTime = (\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) \\((\\d{4}-\\d{2}-\\d{2})\\)");

	final Path root;

	final Mode mode;

	final Path work;

	final Path docs;

	final String java;

	final String java25;

	final Results results = new Results();

	private int nextPort = 18080;

	/** When the last broadcast's warm-up ended and its measured steps began. */
	private volatile Instant broadcastMeasuredFrom;

	Runner(Path root, Mode mode) {
		this.root = root;
		this.mode = mode;
		this.work = root.resolve("sse-benchmarks/target/run");
		this.docs = root.resolve(System.getProperty("bench.docs", "docs"));
		this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.java25 = System.getProperty("bench.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java";
	}

	/**
	 * Run the benchmark.
	 * @param args {@code quick} or {@code full}, optionally followed by server names to run only those
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("charts")) {
			Report.redrawCharts(Path.of(System.getProperty("bench.docs", "docs")).resolve("benchmarks"));
			return;
		}
		Mode mode = Mode.of((args.length > 0) ? args[0] : "quick");
		Runner runner = new Runner(Path.of("").toAbsolutePath(), mode);
		List<String> only = (args.length > 1) ? List.of(args).subList(1, args.length) : List.of();
		runner.run(only);
	}

	void run(List<String> only) throws Exception {
		Files.createDirectories(this.work);
		Files.createDirectories(this.docs.resolve("benchmarks"));
		this.results.started = Instant.now();
		for (ServerSpec spec : ServerSpec.all()) {
			if (only.isEmpty() || only.contains(spec.name())) {
				runServer(spec);
			}
		}
		if (only.isEmpty() || only.contains("vt")) {
			runVirtualThreads();
		}
		if (only.isEmpty() || only.contains("jmh")) {
			runJmh();
		}
		this.results.finished = Instant.now();
		new Report(this).write();
		log("done in " + Duration.between(this.results.started, this.results.finished).toSeconds() + " s");
	}

	private void runServer(ServerSpec spec) throws Exception {
		String heartbeat = this.mode.heartbeat() + "s";
		try (Procs.Server server = startServer(spec, this.java, List.of(),
				List.of("--sse.heartbeat.interval=" + heartbeat, "--bench.heartbeat=" + heartbeat,
						"--sse.stream.write-timeout=" + this.mode.writeTimeout() + "s"))) {
			guarded(spec, "idle", () -> idle(spec, server));
			guarded(spec, "single", () -> {
				single(spec, server, "flush");
				single(spec, server, "burst");
				if (spec.name().startsWith("ssekit")) {
					single(spec, server, "flux");
				}
			});
			for (int clients : this.mode.broadcastClients()) {
				guarded(spec, "broadcast " + clients, () -> broadcast(spec, "JDK 17", server, clients));
			}
			guarded(spec, "stall", () -> {
				server.post("/control/send-buffer?bytes=8192");
				stall(spec, server, false);
				stall(spec, server, true);
			});
		}
	}

	private void guarded(ServerSpec spec, String scenario, Step step) {
		try {
			step.run();
		}
		catch (Exception ex) {
			log("!! " + spec.name() + " " + scenario + " failed: " + ex);
			this.results.failures.add(spec.name() + " " + scenario + ": " + ex.getMessage());
		}
	}

	Procs.Server startServer(ServerSpec spec, String javaCommand, List<String> jvmOptions, List<String> arguments)
			throws Exception {
		int port = this.nextPort++;
		List<String> command = new ArrayList<>();
		command.add(javaCommand);
		command.addAll(List.of("-Xms1g", "-Xmx3g", "-XX:+UseG1GC"));
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(Classpaths.forServer(this.root, spec.classpath()));
		command.add(spec.mainClass());
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(spec.arguments());
		command.addAll(arguments);
		log("starting " + spec.name() + " on port " + port);
		Procs.Server server = new Procs.Server(spec.name(), port, command,
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
					Classpaths.forLoadGen(this.root), LoadGen.class.getName(), "127.0.0.1",
					String.valueOf(server.port), path, String.valueOf(count), String.valueOf(stalledHere), "4096",
					"1500");
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
			// every client has its response, and the ones missing closed: waiting longer gains nothing
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
			log("   only " + count + " of " + expected + " subscribers registered (" + headers
					+ " responses received, " + closed + " connections closed)");
		}
		return count;
	}

	static void closeAll(List<Procs.Load> loads) throws InterruptedException {
		for (Procs.Load load : loads) {
			load.close();
		}
	}

	int awaitSubscribers(Procs.Server server, int expected, boolean atLeast, Duration timeout) throws Exception {
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

	private void idle(ServerSpec spec, Procs.Server server) throws Exception {
		int streams = this.mode.idleStreams();
		log(spec.name() + ": idle " + streams + " streams");
		Thread.sleep(1000);
		long heap0 = heapAfterGc(server);
		int threads0 = server.threads();
		int pool0 = server.containerPoolThreads();
		Map<String, long[]> histogram0 = classHistogram(server);
		// What the process spends with no stream open (JIT, GC, the container's own timers): the heartbeat's
		// cost is what comes on top of it.
		long baseline0 = server.cpuNanos();
		long baselineStart = System.nanoTime();
		Thread.sleep(this.mode.baselineSeconds() * 1000L);
		long baselineCpu = server.cpuNanos() - baseline0;
		long baselineWindow = System.nanoTime() - baselineStart;
		List<Procs.Load> loads = openLoad(server, "/subscribe", streams, 0);
		try {
			int subscribers = awaitOpen(server, loads, streams);
			Thread.sleep(this.mode.settleMillis());
			long heapN = heapAfterGc(server);
			int threadsN = server.threads();
			int poolN = server.containerPoolThreads();
			Map<String, long[]> histogramN = classHistogram(server);
			Map<String, Double> byClass = classDiff(histogram0, histogramN, subscribers);
			this.results.heapByClass.put(spec.name(), byClass);
			this.results.libraryBytesPerStream.put(spec.name(), libraryClasses(byClass));
			Thread.sleep(1000);
			long comments0 = sum(loads, "comments");
			long cpu0 = server.cpuNanos();
			long heartbeatCpu0 = (spec.heartbeatThread() != null) ? server.threadCpuNanos(spec.heartbeatThread()) : 0;
			Map<String, Long> byThread0 = server.cpuNanosByThreadKind();
			long start = System.nanoTime();
			Thread.sleep(this.mode.heartbeatWindow() * 1000L);
			long cpu1 = server.cpuNanos();
			long heartbeatCpu = (spec.heartbeatThread() != null)
					? server.threadCpuNanos(spec.heartbeatThread()) - heartbeatCpu0 : -1;
			long elapsed = System.nanoTime() - start;
			Map<String, Long> byThread = server.cpuNanosByThreadKind();
			byThread0.forEach((kind, nanos) -> byThread.merge(kind, -nanos, Long::sum));
			byThread.values().removeIf((nanos) -> nanos <= 0);
			Map<String, Double> busiest = new LinkedHashMap<>();
			byThread.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
				.limit(6)
				.forEach((e) -> busiest.put(e.getKey(), 100.0 * e.getValue() / elapsed));
			this.results.idleCpuByThread.put(spec.name(), busiest);
			long comments1 = sum(loads, "comments");
			Results.Idle idle = new Results.Idle(spec.name(), streams, subscribers, heap0, heapN, threads0, threadsN,
					pool0, poolN, this.mode.heartbeat(), elapsed, cpu1 - cpu0, baselineWindow, baselineCpu,
					heartbeatCpu, comments1 - comments0);
			this.results.idle.add(idle);
			log(String.format(Locale.ROOT,
					"   %d subscribers, %.0f B/stream, threads %d -> %d (container pool %d -> %d), cpu %.2f%% of a core (%.2f%% with no stream; heartbeat thread %.2f%%), %d heartbeats",
					subscribers, idle.heapPerStream(), threads0, threadsN, pool0, poolN, idle.cpuPercent(),
					idle.baselinePercent(), idle.heartbeatThreadPercent(), idle.heartbeats()));
		}
		finally {
			closeAll(loads);
		}
		afterClients(server);
	}

	/** Live objects per class ({@code jcmd GC.class_histogram}, which collects first): instances and bytes. */
	private Map<String, long[]> classHistogram(Procs.Server server) {
		Map<String, long[]> classes = new LinkedHashMap<>();
		try {
			Process jcmd = new ProcessBuilder(Path.of(this.java).getParent().resolve("jcmd").toString(),
					String.valueOf(server.process.pid()), "GC.class_histogram").redirectErrorStream(true).start();
			for (String line : new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				String[] cells = line.trim().split("\\s+");
				if (cells.length >= 4 && cells[0].endsWith(":")) {
					classes.put(cells[3], new long[] { Long.parseLong(cells[1]), Long.parseLong(cells[2]) });
				}
			}
			jcmd.waitFor();
		}
		catch (IOException | RuntimeException | InterruptedException ex) {
			log("   class histogram failed: " + ex);
		}
		return classes;
	}

	/** Of the bytes per stream by class, those of the library's own classes (io.github.ssekit, not the benchmark). */
	private static Map<String, Double> libraryClasses(Map<String, Double> byClass) {
		Map<String, Double> bytes = new LinkedHashMap<>();
		byClass.forEach((name, perStream) -> {
			if (name.startsWith("io.github.ssekit.") && !name.startsWith("io.github.ssekit.bench.") && perStream >= 1) {
				bytes.put(name, perStream);
			}
		});
		return bytes;
	}

	/** Bytes per stream of every class whose live heap grew while the streams were open. */
	private static Map<String, Double> classDiff(Map<String, long[]> before, Map<String, long[]> after, int streams) {
		Map<String, Double> bytes = new LinkedHashMap<>();
		after.forEach((name, values) -> {
			long[] old = before.getOrDefault(name, new long[2]);
			bytes.merge(name.replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda"),
					(double) (values[1] - old[1]) / Math.max(1, streams), Double::sum);
		});
		return bytes;
	}

	private static long sum(List<Procs.Load> loads, String key) throws Exception {
		long total = 0;
		for (Procs.Load load : loads) {
			total += Long.parseLong(load.command("status", "status ", Duration.ofSeconds(10)).get(key));
		}
		return total;
	}

	private void single(ServerSpec spec, Procs.Server server, String streamMode) throws Exception {
		double seconds = this.mode.singleSeconds();
		long heapBefore = heapAfterGc(server);
		List<Procs.Load> loads = openLoad(server, "/stream?size=64&seconds=" + seconds + "&mode=" + streamMode, 1, 0);
		try {
			Procs.Load load = loads.get(0);
			long serverCpu0 = server.cpuNanos();
			long clientCpu0 = Procs.cpuNanos(load.process);
			long start = System.nanoTime();
			long deadline = System.nanoTime() + (long) ((seconds + 60) * 1e9);
			long midRun = start + (long) (seconds * 1e9 / 2);
			long heapMidRun = -1;
			Map<String, String> status;
			do {
				Thread.sleep(500);
				if (heapMidRun < 0 && System.nanoTime() >= midRun) {
					heapMidRun = heapAfterGc(server);
				}
				status = load.command("status", "status ", Duration.ofSeconds(10));
			}
			while (!"1".equals(status.get("closed")) && System.nanoTime() < deadline);
			long wall = System.nanoTime() - start;
			double serverCpu = 100.0 * (server.cpuNanos() - serverCpu0) / wall;
			double clientCpu = 100.0 * (Procs.cpuNanos(load.process) - clientCpu0) / wall;
			long events = Long.parseLong(status.get("events"));
			long span = Long.parseLong(status.get("lastEventNanos")) - Long.parseLong(status.get("firstEventNanos"));
			Results.Single single = new Results.Single(spec.name(), streamMode, 64, events, span, serverCpu,
					clientCpu, heapBefore, heapMidRun);
			this.results.single.add(single);
			log(String.format(Locale.ROOT,
					"%s: single %s %,d events, %,.0f events/s, cpu server %.0f%% client %.0f%%, heap after GC %.1f -> %.1f MB",
					spec.name(), streamMode, events, single.eventsPerSecond(), serverCpu, clientCpu, heapBefore / 1e6,
					heapMidRun / 1e6));
		}
		finally {
			closeAll(loads);
		}
	}

	private static long heapAfterGc(Procs.Server server) throws IOException, InterruptedException {
		return Long.parseLong(server.get("/control/stats?gc=true").get("heapUsed"));
	}

	void broadcast(ServerSpec spec, String jvm, Procs.Server server, int clients) throws Exception {
		log(spec.name() + " (" + jvm + "): broadcast to " + clients + " clients");
		List<Procs.Load> loads = openLoad(server, "/subscribe", clients, 0);
		try {
			awaitOpen(server, loads, clients);
			publishStep(spec, jvm, server, loads, clients, 0, 99, (double) this.mode.deliverySteps()[0] / clients,
					this.mode.stepSeconds() / 2, 64);
			this.broadcastMeasuredFrom = Instant.now();
			int step = 0;
			for (int target : this.mode.deliverySteps()) {
				step++;
				double rate = (double) target / clients;
				Results.Broadcast result = publishStep(spec, jvm, server, loads, clients, 0, step, rate,
						this.mode.stepSeconds(), 64);
				this.results.broadcast.add(result);
				log(String.format(Locale.ROOT,
						"   step %d: %.1f/s x %d = %,d/s target, published %d in %.1f s, %,.0f/s delivered (%d of %d), p50 %.2f ms, p99 %.2f ms, max %.1f ms, cpu %.0f%%%s",
						step, rate, clients, target, result.published(), result.publishSeconds(),
						result.deliveriesPerSecond(), result.delivered(),
						result.expected(), result.p50Ms(), result.p99Ms(), result.maxMs(), result.cpuPercent(),
						result.sustained() ? "" : "  <- behind"));
				if (!result.sustained()) {
					break;
				}
			}
		}
		finally {
			closeAll(loads);
		}
		afterClients(server);
	}

	Results.Broadcast publishStep(ServerSpec spec, String jvm, Procs.Server server, List<Procs.Load> loads,
			int clients, int stalled, int step, double rate, double seconds, int size) throws Exception {
		int registered = Math.min(clients, server.subscribers());
		long cpu0 = server.cpuNanos();
		long start = System.nanoTime();
		server.post("/control/publish?rate=" + rate + "&seconds=" + seconds + "&step=" + step + "&size=" + size);
		Map<String, String> status = awaitPublisher(server, seconds);
		long published = Long.parseLong(status.get("published"));
		long elapsedNanos = Long.parseLong(status.get("elapsedNanos"));
		boolean finished = "false".equals(status.get("running"));
		Thread.sleep(1500);
		long cpu1 = server.cpuNanos();
		long wall = System.nanoTime() - start;
		long delivered = 0;
		Histogram histogram = new Histogram(3_600_000_000L, 3);
		for (Procs.Load load : loads) {
			Map<String, String> report = load.command("report " + step, "report ", Duration.ofSeconds(20));
			delivered += Long.parseLong(report.get("delivered"));
			String encoded = report.get("hist");
			if (encoded != null && !"-".equals(encoded)) {
				histogram.add(decode(encoded));
			}
		}
		long expected = published * (registered - stalled);
		double publishSeconds = finished ? Math.max(seconds, elapsedNanos / 1e9) : Math.max(seconds, wall / 1e9);
		boolean keptRate = finished && elapsedNanos <= seconds * 1.1e9 + 200_000_000L
				&& published >= Math.round(rate * seconds) - 1;
		boolean allDelivered = delivered >= expected * 0.999;
		double p99 = histogram.getValueAtPercentile(99) / 1000.0;
		boolean sustained = keptRate && allDelivered && p99 < 1000;
		return new Results.Broadcast(spec.name(), jvm, clients, stalled, step, rate, Math.round(rate * clients),
				published, publishSeconds, expected, delivered, delivered / publishSeconds,
				histogram.getTotalCount() > 0 ? histogram.getValueAtPercentile(50) / 1000.0 : 0, p99,
				histogram.getMaxValue() / 1000.0, 100.0 * (cpu1 - cpu0) / wall, sustained, keptRate, finished);
	}

	private static Map<String, String> awaitPublisher(Procs.Server server, double seconds) throws Exception {
		long deadline = System.nanoTime() + (long) ((seconds * 1.5 + 4) * 1e9);
		Thread.sleep((long) (seconds * 1000));
		Map<String, String> status;
		while (true) {
			status = server.get("/control/status");
			if ("false".equals(status.get("running")) || System.nanoTime() > deadline) {
				return status;
			}
			Thread.sleep(100);
		}
	}

	static Histogram decode(String encoded) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void stall(ServerSpec spec, Procs.Server server, boolean withStall) throws Exception {
		int clients = this.mode.stallClients();
		int stalled = withStall ? clients / 100 : 0;
		double seconds = this.mode.stallSeconds();
		log(spec.name() + ": " + clients + " clients at 50 broadcasts/s, " + stalled + " stalled");
		List<Procs.Load> loads = openLoad(server, "/subscribe", clients, stalled);
		try {
			awaitOpen(server, loads, clients);
			int step = withStall ? 201 : 200;
			long[] evictedAfter = { -1 };
			Thread watcher = new Thread(() -> watchEviction(server, clients - stalled, stalled, seconds, evictedAfter));
			if (stalled > 0) {
				watcher.start();
			}
			Results.Broadcast broadcast = publishStep(spec, "JDK 17", server, loads, clients, stalled, step, 50,
					seconds, 512);
			if (stalled > 0) {
				watcher.join();
			}
			long heap = heapAfterGc(server);
			int remaining = Math.max(0, server.subscribers() - (clients - stalled));
			Results.Stall result = new Results.Stall(spec.name(), clients, stalled, seconds, broadcast, heap,
					evictedAfter[0], remaining);
			this.results.stall.add(result);
			log(String.format(Locale.ROOT,
					"   healthy: published %d in %.1f s, %d of %d delivered, p99 %.2f ms, max %.1f ms; heap after GC %.1f MB; evicted after %s; stalled still open %d",
					broadcast.published(), broadcast.publishSeconds(), broadcast.delivered(), broadcast.expected(),
					broadcast.p99Ms(), broadcast.maxMs(), heap / 1e6,
					(evictedAfter[0] < 0) ? "-" : (evictedAfter[0] / 1000.0) + " s", remaining));
		}
		finally {
			closeAll(loads);
		}
		afterClients(server);
	}

	private void watchEviction(Procs.Server server, int healthy, int stalled, double seconds, long[] evictedAfter) {
		long start = System.nanoTime();
		long deadline = start + (long) ((seconds + 2) * 1e9);
		try {
			while (System.nanoTime() < deadline) {
				if (server.subscribers() <= healthy) {
					evictedAfter[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					return;
				}
				Thread.sleep(250);
			}
		}
		catch (Exception ex) {
			// reported as not evicted
		}
	}

	private void runVirtualThreads() {
		if (!Files.isExecutable(Path.of(this.java25))) {
			log("JDK 25 not found at " + this.java25 + ": virtual-thread scenario skipped");
			return;
		}
		ServerSpec spec = ServerSpec.all().get(1);
		Path recording = this.work.resolve("vt-pinned.jfr");
		try {
			Files.deleteIfExists(recording);
			List<String> jvm = List.of("-XX:StartFlightRecording:filename=" + recording
					+ ",settings=default,jdk.VirtualThreadPinned#enabled=true,jdk.VirtualThreadPinned#threshold=0ms");
			try (Procs.Server server = startServer(spec, this.java25, jvm,
					List.of("--spring.threads.virtual.enabled=true"))) {
				broadcast(spec, "JDK 25 virtual threads", server, this.mode.broadcastClients()[0]);
			}
			String jfr = Path.of(this.java25).getParent().resolve("jfr").toString();
			Process print = new ProcessBuilder(jfr, "print", "--stack-depth", "40", "--events",
					"jdk.VirtualThreadPinned", recording.toString())
				.redirectErrorStream(true)
				.start();
			String text = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			print.waitFor();
			Files.writeString(this.work.resolve("vt-pinned.txt"), text);
			int count = 0;
			int library = 0;
			int steady = 0;
			Instant measuredFrom = this.broadcastMeasuredFrom;
			Map<String, Integer> sites = new LinkedHashMap<>();
			for (String event : text.split("jdk\\.VirtualThreadPinned \\{")) {
				if (!event.contains("stackTrace")) {
					continue;
				}
				count++;
				Instant time = eventTime(event);
				if (measuredFrom != null && time != null && !time.isBefore(measuredFrom)) {
					steady++;
				}
				boolean classLoading = event.contains("ClassLoader.loadClass");
				String site = null;
				for (String frame : event.split("\n")) {
					String trimmed = frame.trim();
					if (site == null && trimmed.contains("line:") && !trimmed.startsWith("java.")
							&& !trimmed.startsWith("jdk.") && !trimmed.startsWith("sun.")) {
						site = trimmed.replaceAll("\\(.*", "");
					}
				}
				if (!classLoading) {
					library++;
				}
				String reason = event.replaceAll("(?s).*pinnedReason = \"([^\"]*)\".*", "$1");
				sites.merge(((site != null) ? site : "JDK only") + " (" + reason
						+ (classLoading ? ", while loading a class" : "") + ")", 1, Integer::sum);
			}
			this.results.pinnedEvents = count;
			this.results.pinnedSteady = (measuredFrom != null) ? steady : -1;
			this.results.pinnedInLibrary = library;
			this.results.pinnedSites.putAll(sites);
			this.results.pinnedSample = text.length() > 4000 ? text.substring(0, 4000) : text;
			log("virtual threads: " + count + " jdk.VirtualThreadPinned events, " + library + " outside class loading, "
					+ steady + " during the measured steps: " + sites);
		}
		catch (Exception ex) {
			log("!! virtual threads failed: " + ex);
			this.results.failures.add("virtual threads: " + ex.getMessage());
		}
	}

	/** The start time of an event as {@code jfr print} shows it, e.g. {@code startTime = 12:01:02.345 (2026-12-02)}. */
	private static Instant eventTime(String event) {
		Matcher matcher = START_TIME.matcher(event);
		if (!matcher.find()) {
			return null;
		}
		LocalDateTime local = LocalDateTime.parse(matcher.group(2) + "T" + matcher.group(1));
		return local.atZone(ZoneId.systemDefault()).toInstant();
	}

	private void runJmh() {
		Path csv = this.work.resolve("jmh.csv");
		try {
			List<String> command = new ArrayList<>(List.of(this.java, "-cp", Classpaths.forJmh(this.root),
					"org.openjdk.jmh.Main", "EncoderBenchmark", "-prof", "gc", "-f", "1", "-wi",
					String.valueOf(this.mode.jmhIterations()), "-w", this.mode.jmhIterationMillis() + "ms", "-i",
					String.valueOf(this.mode.jmhIterations()), "-r", this.mode.jmhIterationMillis() + "ms", "-rf", "csv", "-rff", csv.toString()));
			log("JMH encoder benchmark");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.work.resolve("jmh.log").toFile())
				.start();
			if (!process.waitFor(10, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("JMH did not finish");
			}
			this.results.jmh.addAll(Results.Jmh.parse(Files.readAllLines(csv)));
			for (Results.Jmh row : this.results.jmh) {
				log("   " + row);
			}
		}
		catch (Exception ex) {
			log("!! JMH failed: " + ex);
			this.results.failures.add("JMH: " + ex.getMessage());
		}
	}

	static void log(String message) {
		System.out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
		System.out.flush();
	}

	@FunctionalInterface
	private interface Step {

		void run() throws Exception;

	}

	/**
	 * Sizes and durations of a run.
	 */
	record Mode(String name, int idleStreams, int heartbeat, int heartbeatWindow, int baselineSeconds,
			int settleMillis, double singleSeconds, int[] broadcastClients, int[] deliverySteps, double stepSeconds,
			int stallClients, double stallSeconds, int writeTimeout, int jmhIterations, int jmhIterationMillis) {

		static Mode of(String name) {
			return switch (name) {
				case "quick" -> new Mode("quick", 1000, 1, 3, 2, 1000, 1, new int[] { 1000 },
						new int[] { 25_000, 50_000, 100_000 }, 1.5, 500, 2.5, 2, 2, 300);
				case "full" -> new Mode("full", 15_000, 15, 30, 10, 2000, 6, new int[] { 1000, 5000 },
						new int[] { 10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000 }, 5, 1000,
						20, 5, 5, 1000);
				default -> throw new IllegalArgumentException("mode must be quick or full: " + name);
			};
		}

	}

	/**
	 * Everything measured in a run.
	 */
	static final class Results {

		Instant started;

		Instant finished;

		final List<Idle> idle = new ArrayList<>();

		final List<Single> single = new ArrayList<>();

		final List<Broadcast> broadcast = new ArrayList<>();

		final List<Stall> stall = new ArrayList<>();

		final List<Jmh> jmh = new ArrayList<>();

		final List<String> failures = new ArrayList<>();

		int pinnedEvents = -1;

		int pinnedInLibrary = -1;

		/** Pinning events after the broadcast's warm-up, during its measured steps; -1 if not known. */
		int pinnedSteady = -1;

		final Map<String, Integer> pinnedSites = new LinkedHashMap<>();

		final Map<String, Map<String, Double>> libraryBytesPerStream = new LinkedHashMap<>();

		/** Per server: heap per idle stream by class, from the class histograms. */
		final Map<String, Map<String, Double>> heapByClass = new LinkedHashMap<>();

		/** Per server: the busiest kinds of thread during the heartbeat window, in % of one core. */
		final Map<String, Map<String, Double>> idleCpuByThread = new LinkedHashMap<>();

		String pinnedSample = "";

		record Idle(String server, int streams, int subscribers, long heap0, long heapN, int threads0, int threadsN,
				int pool0, int poolN, int heartbeatSeconds, long windowNanos, long cpuNanos, long baselineWindowNanos,
				long baselineCpuNanos, long heartbeatThreadCpuNanos, long heartbeats) {

			double heapPerStream() {
				return (double) (this.heapN - this.heap0) / Math.max(1, this.subscribers);
			}

			/** Threads outside the container's request pool, before the streams opened. */
			int otherThreads0() {
				return this.threads0 - this.pool0;
			}

			/** Threads outside the container's request pool, with the streams open. */
			int otherThreadsN() {
				return this.threadsN - this.poolN;
			}

			/** Whole-process CPU with the streams open, in % of one core. */
			double cpuPercent() {
				return 100.0 * this.cpuNanos / this.windowNanos;
			}

			/** Whole-process CPU with no stream open, in % of one core. */
			double baselinePercent() {
				return 100.0 * this.baselineCpuNanos / Math.max(1, this.baselineWindowNanos);
			}

			/** Whole-process CPU that the open streams and their heartbeats add. */
			double cpuAboveIdlePercent() {
				return cpuPercent() - baselinePercent();
			}

			/** CPU of the thread that sends the heartbeats (and writes them), or -1 if there is no such thread. */
			double heartbeatThreadPercent() {
				return (this.heartbeatThreadCpuNanos >= 0) ? 100.0 * this.heartbeatThreadCpuNanos / this.windowNanos
						: -1;
			}

			/**
			 * A CPU figure of the heartbeat window as the cost of 15,000 streams at a 15 s heartbeat: its CPU per
			 * heartbeat the clients received in the window, times 1,000 heartbeats/s.
			 */
			double scaledTo15000Per15s(double percent) {
				double heartbeatsPerSecond = (this.heartbeats > 0) ? this.heartbeats * 1e9 / this.windowNanos
						: (double) Math.max(1, this.subscribers) / this.heartbeatSeconds;
				return percent * (15_000.0 / 15) / heartbeatsPerSecond;
			}

		}

		/**
		 * One single-stream run; the CPU figures are in % of one core over the run, from the request until the
		 * client saw the stream end (so they include the connection's setup and the last reads). The heap is the
		 * server's used heap after {@code System.gc()}, before the request and half way through the run ({@code -1}
		 * if the run ended before).
		 */
		record Single(String server, String mode, int size, long events, long spanNanos, double serverCpuPercent,
				double clientCpuPercent, long heapBefore, long heapMidRun) {

			double eventsPerSecond() {
				return (this.spanNanos > 0) ? this.events * 1e9 / this.spanNanos : 0;
			}

		}

		record Broadcast(String server, String jvm, int clients, int stalled, int step, double rate,
				long targetDeliveries, long published, double publishSeconds, long expected, long delivered, double deliveriesPerSecond,
				double p50Ms, double p99Ms, double maxMs, double cpuPercent, boolean sustained, boolean keptRate,
				boolean finished) {
		}

		record Stall(String server, int clients, int stalled, double seconds, Broadcast healthy, long heapAfterGc,
				long evictedAfterMillis, int stalledStillOpen) {
		}

		record Jmh(String benchmark, int size, double nsPerEvent, double bytesPerEvent) {

			static List<Jmh> parse(List<String> lines) {
				Map<String, double[]> values = new LinkedHashMap<>();
				for (String line : lines.subList(1, lines.size())) {
					String[] cells = line.replace("\"", "").split(",");
					String full = cells[0];
					String primary = (full.indexOf(':') >= 0) ? full.substring(0, full.indexOf(':')) : full;
					String secondary = (full.indexOf(':') >= 0) ? full.substring(full.indexOf(':') + 1) : null;
					String name = primary.substring(primary.lastIndexOf('.') + 1);
					boolean gc = secondary != null && secondary.endsWith("gc.alloc.rate.norm");
					if (secondary != null && !gc) {
						continue;
					}
					String key = name + "|" + cells[cells.length - 1];
					double[] pair = values.computeIfAbsent(key, (k) -> new double[2]);
					pair[gc ? 1 : 0] = Double.parseDouble(cells[4]);
				}
				List<Jmh> rows = new ArrayList<>();
				values.forEach((key, pair) -> {
					String[] parts = key.split("\\|");
					rows.add(new Jmh(parts[0], Integer.parseInt(parts[1]), pair[0], pair[1]));
				});
				return rows;
			}

		}

	}

}
