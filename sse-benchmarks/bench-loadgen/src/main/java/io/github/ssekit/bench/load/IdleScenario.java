package io.github.ssekit.bench.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static io.github.ssekit.bench.load.Markdown.bytes;
import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.pct;
import static io.github.ssekit.bench.load.Markdown.signedBytes;

/**
 * Idle capacity and heartbeat cost: many idle {@code /subscribe} streams held open per
 * server, with the heap, threads and CPU they cost, the heap by class, and the CPU of the
 * heartbeats.
 *
 * @author ssekit
 */
final class IdleScenario implements Scenario {

	private final Harness harness;

	private final int streams;

	private final int heartbeatSeconds;

	private final int heartbeatWindowSeconds;

	private final int baselineSeconds;

	private final int settleMillis;

	final List<Idle> results = new ArrayList<>();

	/** Per server: heap per idle stream by class, from the class histograms. */
	final Map<String, Map<String, Double>> heapByClass = new LinkedHashMap<>();

	/** Per server: of the heap per idle stream, the library's own classes. */
	final Map<String, Map<String, Double>> libraryBytesPerStream = new LinkedHashMap<>();

	/**
	 * Per server: the busiest kinds of thread during the heartbeat window, in % of one
	 * core.
	 */
	final Map<String, Map<String, Double>> cpuByThread = new LinkedHashMap<>();

	IdleScenario(Harness harness) {
		this.harness = harness;
		this.streams = harness.mode.pick(1000, 15_000);
		this.heartbeatSeconds = harness.mode.pick(1, 15);
		this.heartbeatWindowSeconds = harness.mode.pick(3, 30);
		this.baselineSeconds = harness.mode.pick(2, 10);
		this.settleMillis = harness.mode.pick(1000, 2000);
	}

	@Override
	public String name() {
		return "idle";
	}

	@Override
	public List<String> serverArguments() {
		String heartbeat = this.heartbeatSeconds + "s";
		return List.of("--sse.heartbeat.interval=" + heartbeat, "--bench.heartbeat=" + heartbeat);
	}

	@Override
	public boolean runsOn(ServerSpec spec) {
		return true;
	}

	@Override
	public void runOn(ServerSpec spec, Procs.Server server) {
		this.harness.guarded(spec.name() + " idle", () -> run(spec, server));
	}

	private void run(ServerSpec spec, Procs.Server server) throws Exception {
		Harness.log(spec.name() + ": idle " + this.streams + " streams");
		Thread.sleep(1000);
		long heap0 = Harness.heapAfterGc(server);
		int threads0 = server.threads();
		int pool0 = server.containerPoolThreads();
		Map<String, long[]> histogram0 = ClassHistograms.take(this.harness.java, server);
		// What the process spends with no stream open (JIT, GC, the container's own
		// timers): the heartbeat's
		// cost is what comes on top of it.
		long baseline0 = server.cpuNanos();
		long baselineStart = System.nanoTime();
		Thread.sleep(this.baselineSeconds * 1000L);
		long baselineCpu = server.cpuNanos() - baseline0;
		long baselineWindow = System.nanoTime() - baselineStart;
		List<Procs.Load> loads = this.harness.openLoad(server, "/subscribe", this.streams, 0);
		try {
			int subscribers = this.harness.awaitOpen(server, loads, this.streams);
			Thread.sleep(this.settleMillis);
			long heapN = Harness.heapAfterGc(server);
			int threadsN = server.threads();
			int poolN = server.containerPoolThreads();
			Map<String, long[]> histogramN = ClassHistograms.take(this.harness.java, server);
			Map<String, Double> byClass = ClassHistograms.bytesPerStream(histogram0, histogramN, subscribers);
			this.heapByClass.put(spec.name(), byClass);
			this.libraryBytesPerStream.put(spec.name(), ClassHistograms.libraryClasses(byClass));
			// one round of heartbeats before the window, so that it measures the compiled
			// write path rather than the JIT's warm-up
			Thread.sleep(this.heartbeatSeconds * 1000L + 1000);
			long comments0 = Harness.sum(loads, "comments");
			long cpu0 = server.cpuNanos();
			long heartbeatCpu0 = (spec.heartbeatThread() != null) ? server.threadCpuNanos(spec.heartbeatThread()) : 0;
			Map<String, Long> byThread0 = server.cpuNanosByThreadKind();
			long start = System.nanoTime();
			Thread.sleep(this.heartbeatWindowSeconds * 1000L);
			long cpu1 = server.cpuNanos();
			long heartbeatCpu = (spec.heartbeatThread() != null)
					? server.threadCpuNanos(spec.heartbeatThread()) - heartbeatCpu0 : -1;
			long elapsed = System.nanoTime() - start;
			this.cpuByThread.put(spec.name(), busiestThreads(byThread0, server.cpuNanosByThreadKind(), elapsed));
			long comments1 = Harness.sum(loads, "comments");
			Idle idle = new Idle(spec.name(), this.streams, subscribers, heap0, heapN, threads0, threadsN, pool0, poolN,
					this.heartbeatSeconds, elapsed, cpu1 - cpu0, baselineWindow, baselineCpu, heartbeatCpu,
					comments1 - comments0);
			this.results.add(idle);
			Harness.log(String.format(Locale.ROOT,
					"   %d subscribers, %.0f B/stream, threads %d -> %d (container pool %d -> %d), cpu %.2f%% of a core (%.2f%% with no stream; heartbeat thread %.2f%%), %d heartbeats",
					subscribers, idle.heapPerStream(), threads0, threadsN, pool0, poolN, idle.cpuPercent(),
					idle.baselinePercent(), idle.heartbeatThreadPercent(), idle.heartbeats()));
		}
		finally {
			Harness.closeAll(loads);
		}
		this.harness.afterClients(server);
	}

	/**
	 * The six kinds of thread that spent the most CPU in the window, in % of one core.
	 */
	private static Map<String, Double> busiestThreads(Map<String, Long> before, Map<String, Long> after, long elapsed) {
		before.forEach((kind, nanos) -> after.merge(kind, -nanos, Long::sum));
		after.values().removeIf((nanos) -> nanos <= 0);
		Map<String, Double> busiest = new LinkedHashMap<>();
		after.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(6)
			.forEach((e) -> busiest.put(e.getKey(), 100.0 * e.getValue() / elapsed));
		return busiest;
	}

	@Override
	public void writeCsv(CsvFiles csv) {
		List<String> lines = csv.file("idle.csv",
				"server,streams,subscribers,heap_before,heap_after,heap_per_stream,threads_before,threads_after,pool_threads_before,pool_threads_after,heartbeat_s,window_ns,cpu_ns,baseline_window_ns,baseline_cpu_ns,heartbeat_thread_cpu_ns,cpu_pct_one_core,baseline_cpu_pct,heartbeat_thread_cpu_pct,heartbeat_cost_pct_scaled_15000_15s,heartbeats_received");
		this.results.forEach((i) -> lines.add(CsvFiles.row(i.server(), i.streams(), i.subscribers(), i.heap0(),
				i.heapN(), CsvFiles.decimal(i.heapPerStream()), i.threads0(), i.threadsN(), i.pool0(), i.poolN(),
				i.heartbeatSeconds(), i.windowNanos(), i.cpuNanos(), i.baselineWindowNanos(), i.baselineCpuNanos(),
				i.heartbeatThreadCpuNanos(), CsvFiles.decimal(i.cpuPercent()), CsvFiles.decimal(i.baselinePercent()),
				CsvFiles.decimal(i.heartbeatThreadPercent()),
				CsvFiles.decimal(i.scaledTo15000Per15s(i.heartbeatCostPercent())), i.heartbeats())));
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Idle capacity and heartbeat cost");
		md.line("");
		md.line(String.format(Locale.ROOT, "%,d", this.streams)
				+ " idle `/subscribe` streams held open per server (ssekit's "
				+ "subscribed to one channel). Heap is the used heap after `System.gc()`, "
				+ "before and after the streams opened. Threads are from `/proc/<pid>/task`, split into the container's "
				+ "request pool (`http-nio-*` for Tomcat, `qtp*` for Jetty, `reactor-http-*` for Netty), which grows "
				+ "with the burst of connecting requests up to its maximum whatever serves them, and all other "
				+ "threads. CPU is user+system time in % of one core: of the whole process with no stream open (over "
				+ this.baselineSeconds + " s), then over a " + this.heartbeatWindowSeconds
				+ " s window with the streams open, after one round of heartbeats, and a heartbeat every "
				+ this.heartbeatSeconds + " s (ssekit's shared `sse-heartbeat` scheduler; a "
				+ "scheduled send loop on a `bench-heartbeat` thread for SseEmitter and the raw servlet; "
				+ "`Flux.interval` per subscriber for WebFlux, whose heartbeats run on shared threads), and of the "
				+ "heartbeat thread alone, which also performs the non-blocking socket writes of the heartbeats."
				+ " The heartbeat's cost at 15,000 streams at 15 s is that CPU (the heartbeat thread's, or the whole "
				+ "process's above idle where there is no such thread) per heartbeat the clients received in the "
				+ "window, times 1,000 heartbeats/s.");
		md.line("");
		writeTable(md);
		writeLibraryObjects(md);
		writeClassDifference(md);
		writeBusiestThreads(md);
		checkGoals(md);
	}

	private void writeTable(Markdown md) {
		md.line("| Server | Streams open | Heap/stream | vs raw | Pool threads before → after | Other threads before → after | Process CPU, no streams | with streams | Heartbeat thread CPU | Heartbeat cost at 15,000 @ 15 s | Heartbeats received |");
		md.line("|---|---|---|---|---|---|---|---|---|---|---|");
		Optional<Idle> raw = find("raw");
		for (Idle idle : this.results) {
			md.line(cells(ServerSpec.label(idle.server()), String.valueOf(idle.subscribers()),
					bytes(idle.heapPerStream()),
					raw.map((r) -> signedBytes(idle.heapPerStream() - r.heapPerStream())).orElse("-"),
					idle.pool0() + " → " + idle.poolN(), idle.otherThreads0() + " → " + idle.otherThreadsN(),
					pct(idle.baselinePercent()), pct(idle.cpuPercent()),
					(idle.heartbeatThreadPercent() >= 0) ? pct(idle.heartbeatThreadPercent()) : "-",
					pct(idle.scaledTo15000Per15s(idle.heartbeatCostPercent()))
							+ ((idle.heartbeatThreadPercent() >= 0) ? " (thread)" : " (process above idle)"),
					String.valueOf(idle.heartbeats())));
		}
		md.line("");
	}

	private void writeLibraryObjects(Markdown md) {
		Map<String, Double> library = this.libraryBytesPerStream.get(ServerSpec.REFERENCE);
		if (library == null || library.isEmpty()) {
			return;
		}
		double total = library.values().stream().mapToDouble(Double::doubleValue).sum();
		md.line("Of ssekit's heap per stream on Tomcat, the library's own objects (class histogram, "
				+ "`jcmd GC.class_histogram`, classes `io.github.ssekit.*`) are " + bytes(total) + ": "
				+ String.join(", ",
						library.entrySet()
							.stream()
							.map((e) -> "`" + e.getKey().replace("io.github.ssekit.", "") + "` " + bytes(e.getValue()))
							.toList())
				+ ". The rest of the difference to the raw servlet is Spring MVC's per-request state that an "
				+ "async request keeps (request attributes, `WebAsyncManager`, `DeferredResult`, model and flash "
				+ "maps), and the JDK objects (queues, locks, atomics) they and the library hold.");
		md.line("");
	}

	private void writeClassDifference(Markdown md) {
		Map<String, Double> ssekitClasses = this.heapByClass.get(ServerSpec.REFERENCE);
		Map<String, Double> rawClasses = this.heapByClass.get("raw");
		if (ssekitClasses == null || rawClasses == null) {
			return;
		}
		Map<String, Double> difference = new LinkedHashMap<>();
		ssekitClasses.forEach((name, bytes) -> difference.merge(name, bytes, Double::sum));
		rawClasses.forEach((name, bytes) -> difference.merge(name, -bytes, Double::sum));
		double total = difference.values().stream().mapToDouble(Double::doubleValue).sum();
		md.line("Where ssekit's extra heap per stream on Tomcat goes: the class histograms' growth per stream, ssekit "
				+ "minus the raw servlet, largest differences first (" + signedBytes(total) + " in all; "
				+ "`io.github.ssekit.*` is the library, `org.springframework.*` and most JDK maps and arrays are "
				+ "Spring MVC's async request handling):");
		md.line("");
		md.line("| Class | Bytes per stream, ssekit − raw |");
		md.line("|---|---|");
		difference.entrySet()
			.stream()
			.filter((e) -> Math.abs(e.getValue()) >= 16)
			.sorted(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -Math.abs(e.getValue())))
			.limit(20)
			.forEach((e) -> md.line(cells("`" + e.getKey() + "`", signedBytes(e.getValue()))));
		md.line("");
	}

	private void writeBusiestThreads(Markdown md) {
		if (this.cpuByThread.isEmpty()) {
			return;
		}
		md.line("Busiest threads during the heartbeat window (% of one core; digits in names shown as `#`): "
				+ String.join("; ",
						this.cpuByThread.entrySet()
							.stream()
							.map((e) -> ServerSpec.label(e.getKey()) + ": "
									+ String.join(", ",
											e.getValue()
												.entrySet()
												.stream()
												.map((t) -> "`" + t.getKey() + "` " + pct(t.getValue()))
												.toList()))
							.toList())
				+ ".");
		md.line("");
	}

	private void checkGoals(Markdown md) {
		Optional<Idle> ssekit = find(ServerSpec.REFERENCE);
		Optional<Idle> raw = find("raw");
		if (ssekit.isEmpty() || raw.isEmpty()) {
			return;
		}
		Idle s = ssekit.get();
		Idle r = raw.get();
		double extra = s.heapPerStream() - r.heapPerStream();
		md.goal("Idle memory: heap per idle stream above the raw container", "≤ 2 KB",
				signedBytes(extra) + " (ssekit " + bytes(s.heapPerStream()) + ", raw " + bytes(r.heapPerStream()) + ")",
				extra <= 2048);
		int growth = s.otherThreadsN() - s.otherThreads0();
		int rawGrowth = r.otherThreadsN() - r.otherThreads0();
		md.goal("Idle memory: threads do not grow with streams",
				"outside the container's pool, growth ≤ raw container's + 2",
				growth + " for " + s.subscribers() + " streams (raw Tomcat: " + rawGrowth
						+ "); Tomcat's request pool grew " + s.pool0() + " → " + s.poolN() + " (raw: " + r.pool0()
						+ " → " + r.poolN() + ")",
				growth <= rawGrowth + 2);
		heapGoal(md, ServerSpec.REFERENCE, "Idle memory: heap per idle ssekit stream on Tomcat, defaults", "≤ 32 KB",
				32 * 1024);
		heapGoal(md, ServerSpec.TOMCAT_TUNED,
				"Idle memory: heap per idle ssekit stream on Tomcat, sse.tomcat.* at 1 KB", "≤ 32 KB", 32 * 1024);
		heapGoal(md, "ssekit-jetty", "Idle memory: heap per idle ssekit stream on Jetty", "about 10 KB (≤ 12 KB)",
				12 * 1024);
		heartbeatGoal(md, s, r);
		find("ssekit-jetty").ifPresent((jetty) -> heartbeatGoal(md, jetty, r));
	}

	private void heapGoal(Markdown md, String server, String goal, String target, double limit) {
		find(server)
			.ifPresent((idle) -> md.goal(
					goal, target, bytes(idle.heapPerStream()) + " ("
							+ String.format(Locale.ROOT, "%,d", idle.subscribers()) + " streams)",
					idle.heapPerStream() <= limit));
	}

	private void heartbeatGoal(Markdown md, Idle s, Idle raw) {
		boolean scaled = this.streams != 15_000 || this.heartbeatSeconds != 15;
		double cpu = s.scaledTo15000Per15s(s.heartbeatCostPercent());
		double process = s.scaledTo15000Per15s(s.cpuAboveIdlePercent());
		md.goal("Heartbeats: 15,000 streams at 15 s, " + ServerSpec.label(s.server()), "≤ 1 % of one core",
				pct(cpu) + " on the `sse-heartbeat` thread"
						+ (scaled ? " (scaled from " + this.streams + " streams at " + this.heartbeatSeconds + " s)"
								: "")
						+ "; whole process above idle " + pct(process) + " (raw Tomcat: "
						+ pct(raw.scaledTo15000Per15s(raw.cpuAboveIdlePercent())) + ")",
				cpu <= 1);
	}

	private Optional<Idle> find(String server) {
		return this.results.stream().filter((idle) -> idle.server().equals(server)).findFirst();
	}

	/**
	 * The idle streams of one server.
	 */
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

		/**
		 * CPU of the thread that sends the heartbeats (and writes them), or -1 if there
		 * is no such thread.
		 */
		double heartbeatThreadPercent() {
			return (this.heartbeatThreadCpuNanos >= 0) ? 100.0 * this.heartbeatThreadCpuNanos / this.windowNanos : -1;
		}

		/**
		 * The heartbeat's CPU: its own thread where it has one, else what the process
		 * spends above idle.
		 */
		double heartbeatCostPercent() {
			return (heartbeatThreadPercent() >= 0) ? heartbeatThreadPercent() : cpuAboveIdlePercent();
		}

		/**
		 * A CPU figure of the heartbeat window as the cost of 15,000 streams at a 15 s
		 * heartbeat: its CPU per heartbeat the clients received in the window, times
		 * 1,000 heartbeats/s.
		 */
		double scaledTo15000Per15s(double percent) {
			double heartbeatsPerSecond = (this.heartbeats > 0) ? this.heartbeats * 1e9 / this.windowNanos
					: (double) Math.max(1, this.subscribers) / this.heartbeatSeconds;
			return percent * (15_000.0 / 15) / heartbeatsPerSecond;
		}

	}

}
