package io.github.ssekit.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.ms;

/**
 * Stalled clients: 50 broadcasts/s of 512-byte events, once with every client reading and
 * once with 1 % that never read, with the healthy clients' latency, the server's CPU and
 * when the server dropped the stalled streams. Each server runs on its own, in a private
 * network namespace whose link has an MTU of 1500 (when the run is root), under JDK 25,
 * once with the library's defaults and once tuned; each pair of steps runs several times,
 * and the report gives every run, the median and the spread.
 *
 * @author ssekit
 */
final class StallScenario implements Scenario {

	/** The library's default {@code sse.stream.write-timeout}, in seconds. */
	static final int DEFAULT_WRITE_TIMEOUT_SECONDS = 10;

	private static final int TUNED_WRITE_TIMEOUT_SECONDS = 5;

	private static final List<Setup> SETUPS = List.of(new Setup(ServerSpec.REFERENCE, "defaults", List.of()),
			new Setup(ServerSpec.REFERENCE, "tuned",
					List.of("--sse.stream.write-timeout=" + TUNED_WRITE_TIMEOUT_SECONDS + "s")),
			new Setup("ssekit-jetty", "defaults", List.of()));

	private final Harness harness;

	private final int clients;

	private final double seconds;

	private final int runs;

	private boolean privateNetwork;

	private String jvm = "JDK 17";

	final List<Stall> results = new ArrayList<>();

	StallScenario(Harness harness) {
		this.harness = harness;
		this.clients = harness.mode.pick(500, 1000);
		this.seconds = harness.mode.pick(5.0, 20.0);
		this.runs = harness.mode.pick(1, 3);
	}

	@Override
	public String name() {
		return "stall";
	}

	@Override
	public void runAlone() {
		this.harness.guarded("stall", this::run);
	}

	private void run() throws Exception {
		String java = Files.isExecutable(Path.of(this.harness.java25)) ? this.harness.java25 : this.harness.java;
		this.jvm = java.equals(this.harness.java25) ? "JDK 25" : "JDK 17";
		Optional<Netns> netns = Netns.create();
		this.privateNetwork = netns.isPresent();
		try {
			for (Setup setup : SETUPS) {
				ServerSpec spec = ServerSpec.all()
					.stream()
					.filter((candidate) -> candidate.name().equals(setup.server()))
					.findFirst()
					.orElseThrow();
				this.harness.guarded(spec.name() + " stall (" + setup.settings() + ")",
						() -> runSetup(spec, setup, java, netns));
			}
		}
		finally {
			netns.ifPresent(Netns::close);
		}
	}

	private void runSetup(ServerSpec spec, Setup setup, String java, Optional<Netns> netns) throws Exception {
		try (Procs.Server server = this.harness.startServer(spec, java, List.of(), setup.arguments(), netns)) {
			if (netns.isEmpty()) {
				// without a link of MTU 1500, a small send buffer makes a stall show
				server.post("/control/send-buffer?bytes=8192");
			}
			for (int round = 1; round <= this.runs; round++) {
				runStep(spec, setup, server, round, false);
				runStep(spec, setup, server, round, true);
			}
		}
	}

	private void runStep(ServerSpec spec, Setup setup, Procs.Server server, int round, boolean withStall)
			throws Exception {
		int clients = this.clients;
		int stalled = withStall ? clients / 100 : 0;
		double seconds = this.seconds;
		Harness.log(spec.name() + " (" + setup.settings() + ", run " + round + "): " + clients
				+ " clients at 50 broadcasts/s, " + stalled + " stalled");
		List<Procs.Load> loads = this.harness.openLoad(server, "/subscribe", clients, stalled);
		try {
			this.harness.awaitOpen(server, loads, clients);
			// the load generators keep steps below 256; they are new for every step
			int step = 200 + 2 * round + (withStall ? 1 : 0);
			long[] evictedAfter = { -1 };
			Thread watcher = new Thread(() -> watchEviction(server, clients - stalled, seconds, evictedAfter));
			if (stalled > 0) {
				watcher.start();
			}
			BroadcastStep broadcast = BroadcastStep.measure(spec, this.jvm, server, loads, clients, stalled, step, 50,
					seconds, 512);
			if (stalled > 0) {
				watcher.join();
			}
			long heap = Harness.heapAfterGc(server);
			int remaining = Math.max(0, server.subscribers() - (clients - stalled));
			Stall result = new Stall(spec.name(), setup.settings(), round, clients, stalled, seconds, broadcast, heap,
					evictedAfter[0], remaining);
			this.results.add(result);
			Harness.log(String.format(Locale.ROOT,
					"   healthy: published %d in %.1f s, %d of %d delivered, p99 %.2f ms, max %.1f ms, server CPU %.1f %%; heap after GC %.1f MB; evicted after %s; stalled still open %d",
					broadcast.published(), broadcast.publishSeconds(), broadcast.delivered(), broadcast.expected(),
					broadcast.p99Ms(), broadcast.maxMs(), broadcast.cpuPercent(), heap / 1e6,
					(evictedAfter[0] < 0) ? "-" : (evictedAfter[0] / 1000.0) + " s", remaining));
		}
		finally {
			Harness.closeAll(loads);
		}
		this.harness.afterClients(server);
	}

	/**
	 * Wait until the server has only the healthy clients left, and record after how long
	 * in the array.
	 */
	private static void watchEviction(Procs.Server server, int healthy, double seconds, long[] evictedAfter) {
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

	@Override
	public void writeCsv(CsvFiles csv) {
		List<String> broadcast = csv.file(BroadcastStep.CSV_FILE, BroadcastStep.CSV_HEADER);
		this.results.forEach((s) -> broadcast.add(s.healthy().csvRow()));
		List<String> lines = csv.file("stall.csv",
				"server,settings,run,clients,stalled,seconds,published,expected_healthy,delivered_healthy,p50_ms,p99_ms,max_ms,server_cpu_pct,heap_after_gc,evicted_after_ms,stalled_still_open");
		this.results.forEach((s) -> lines.add(CsvFiles.row(s.server(), s.settings(), s.run(), s.clients(), s.stalled(),
				s.seconds(), s.healthy().published(), s.healthy().expected(), s.healthy().delivered(),
				CsvFiles.decimal(s.healthy().p50Ms()), CsvFiles.decimal(s.healthy().p99Ms()),
				CsvFiles.decimal(s.healthy().maxMs()), CsvFiles.decimal(s.healthy().cpuPercent()), s.heapAfterGc(),
				s.evictedAfterMillis(), s.stalledStillOpen())));
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Stalled clients");
		md.line("");
		md.line(String.format(Locale.ROOT, "%,d", this.clients) + " clients, 50 broadcasts/s of 512-byte events for "
				+ this.seconds + " s, once with every client reading and once with 1 % (" + (this.clients / 100)
				+ ") that never read (receive buffer 4 KB); that pair of steps " + this.runs + " times per setting, "
				+ "on a server of its own under " + this.jvm + ". "
				+ (this.privateNetwork
						? "The server runs in a private network namespace and is reached over a veth link with an MTU of "
								+ "1500, as on a real network (on loopback, MTU 64 KiB, a socket's send buffer grows to "
								+ "about 4 MB and hides a stall for minutes). "
						: "Not root, so no private network namespace: the server's sockets get an 8 KB send buffer "
								+ "instead, so that a stalled client fills it within a second. ")
				+ "*defaults*: the library's defaults (`sse.stream.write-timeout` " + DEFAULT_WRITE_TIMEOUT_SECONDS
				+ " s, a queue of at most 1,000 events or 1 MB, then disconnect); *tuned*: `sse.stream.write-timeout="
				+ TUNED_WRITE_TIMEOUT_SECONDS + "s`. Healthy clients' latency and deliveries, the server's CPU (% of "
				+ "one core, over the step), its heap after GC at the end, and when the server had dropped the "
				+ "stalled streams (its subscriber count fell to the healthy clients).");
		md.line("");
		md.line("| Server | Settings | Run | Stalled | Healthy delivered/expected | p50 ms | p99 ms | max ms | Server CPU | Heap after GC | Stalled evicted after |");
		md.line("|---|---|---|---|---|---|---|---|---|---|---|");
		for (Stall s : this.results) {
			BroadcastStep h = s.healthy();
			md.line(cells(ServerSpec.label(s.server()), s.settings(), String.valueOf(s.run()),
					String.valueOf(s.stalled()), String.format(Locale.ROOT, "%,d / %,d", h.delivered(), h.expected()),
					ms(h.p50Ms()), ms(h.p99Ms()), ms(h.maxMs()), String.format(Locale.ROOT, "%.1f %%", h.cpuPercent()),
					String.format(Locale.ROOT, "%.1f MB", s.heapAfterGc() / 1e6), evicted(s)));
		}
		md.line("");
		md.line("Per setting, the median of the runs and, in brackets, the lowest and highest; a rise compares the "
				+ "step with stalled clients to the step without them in the same run.");
		md.line("");
		md.line("| Server | Settings | Runs | p99 ms, none stalled | p99 ms, 1 % stalled | p99 rise | CPU, none stalled | CPU, 1 % stalled | CPU rise | Stalled evicted after |");
		md.line("|---|---|---|---|---|---|---|---|---|---|");
		for (Setup setup : SETUPS) {
			List<Stall[]> pairs = pairs(setup);
			if (pairs.isEmpty()) {
				continue;
			}
			md.line(cells(ServerSpec.label(setup.server()), setup.settings(), String.valueOf(pairs.size()),
					spread(pairs, (p) -> p[0].healthy().p99Ms(), "%.2f"),
					spread(pairs, (p) -> p[1].healthy().p99Ms(), "%.2f"),
					spread(pairs, StallScenario::p99Rise, "%+.0f %%"),
					spread(pairs, (p) -> p[0].healthy().cpuPercent(), "%.1f %%"),
					spread(pairs, (p) -> p[1].healthy().cpuPercent(), "%.1f %%"),
					spread(pairs, StallScenario::cpuRise, "%+.0f %%"), evictedSpread(pairs)));
		}
		md.line("");
		checkGoals(md);
	}

	private void checkGoals(Markdown md) {
		List<Stall[]> pairs = pairs(SETUPS.get(0));
		if (pairs.isEmpty()) {
			return;
		}
		double p99Rise = median(pairs, StallScenario::p99Rise);
		md.goal("Stalled clients, defaults: healthy clients' p99 rise (median of " + pairs.size() + ")", "≤ 10 %",
				spread(pairs, StallScenario::p99Rise, "%+.0f %%"), p99Rise <= 10);
		double cpuRise = median(pairs, StallScenario::cpuRise);
		md.goal("Stalled clients, defaults: server CPU rise (median of " + pairs.size() + ")", "≤ 10 %",
				spread(pairs, StallScenario::cpuRise, "%+.0f %%"), cpuRise <= 10);
		long deadline = (DEFAULT_WRITE_TIMEOUT_SECONDS + 5) * 1000L;
		boolean allEvicted = pairs.stream()
			.allMatch((p) -> p[1].evictedAfterMillis() >= 0 && p[1].evictedAfterMillis() <= deadline);
		md.goal("Stalled clients, defaults: evicted within the deadline, every run",
				"≤ write-timeout (" + DEFAULT_WRITE_TIMEOUT_SECONDS + " s) + 5 s to fill the buffers",
				evictedSpread(pairs), allEvicted);
	}

	/**
	 * The runs of a setting, each as its step without and its step with stalled clients.
	 */
	private List<Stall[]> pairs(Setup setup) {
		List<Stall[]> pairs = new ArrayList<>();
		for (Stall calm : this.results) {
			if (calm.server().equals(setup.server()) && calm.settings().equals(setup.settings())
					&& calm.stalled() == 0) {
				this.results.stream()
					.filter((s) -> s.server().equals(calm.server()) && s.settings().equals(calm.settings())
							&& s.run() == calm.run() && s.stalled() > 0)
					.findFirst()
					.ifPresent((stalled) -> pairs.add(new Stall[] { calm, stalled }));
			}
		}
		return pairs;
	}

	private static double p99Rise(Stall[] pair) {
		return rise(pair[1].healthy().p99Ms(), pair[0].healthy().p99Ms());
	}

	private static double cpuRise(Stall[] pair) {
		return rise(pair[1].healthy().cpuPercent(), pair[0].healthy().cpuPercent());
	}

	private static double rise(double value, double reference) {
		return (value / Math.max(0.001, reference) - 1) * 100;
	}

	private static double median(List<Stall[]> pairs, ToDoubleFunction<Stall[]> figure) {
		double[] values = pairs.stream().mapToDouble(figure).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	/** The median, and the lowest and highest in brackets when there are several. */
	private static String spread(List<Stall[]> pairs, ToDoubleFunction<Stall[]> figure, String format) {
		String median = String.format(Locale.ROOT, format, median(pairs, figure));
		if (pairs.size() < 2) {
			return median;
		}
		double[] values = pairs.stream().mapToDouble(figure).toArray();
		return median + String.format(Locale.ROOT, " (" + format + " … " + format + ")",
				Arrays.stream(values).min().orElse(0), Arrays.stream(values).max().orElse(0));
	}

	private static String evictedSpread(List<Stall[]> pairs) {
		long notEvicted = pairs.stream().filter((p) -> p[1].evictedAfterMillis() < 0).count();
		List<Stall[]> evicted = pairs.stream().filter((p) -> p[1].evictedAfterMillis() >= 0).toList();
		String text = evicted.isEmpty() ? "" : spread(evicted, (p) -> p[1].evictedAfterMillis() / 1000.0, "%.1f s");
		if (notEvicted > 0) {
			text += (text.isEmpty() ? "" : "; ") + "not evicted in " + notEvicted + " of " + pairs.size() + " runs";
		}
		return text;
	}

	private static String evicted(Stall s) {
		if (s.stalled() == 0) {
			return "-";
		}
		return (s.evictedAfterMillis() >= 0) ? String.format(Locale.ROOT, "%.1f s", s.evictedAfterMillis() / 1000.0)
				: "never (" + s.stalledStillOpen() + " still open)";
	}

	/**
	 * A server and the settings it runs the scenario with.
	 *
	 * @param server the server's short name
	 * @param settings {@code defaults} or {@code tuned}
	 * @param arguments the Spring Boot arguments of those settings
	 */
	record Setup(String server, String settings, List<String> arguments) {
	}

	/**
	 * One step of the scenario on one server.
	 *
	 * @param server the server's short name
	 * @param settings {@code defaults} or {@code tuned}
	 * @param run which run of the setting
	 * @param clients the clients
	 * @param stalled of them, how many never read
	 * @param seconds how long the server broadcast
	 * @param healthy the broadcast as the reading clients received it
	 * @param heapAfterGc the server's heap after GC at the end
	 * @param evictedAfterMillis when the server had dropped the stalled streams, -1 if it
	 * did not
	 * @param stalledStillOpen stalled streams still open at the end
	 */
	record Stall(String server, String settings, int run, int clients, int stalled, double seconds,
			BroadcastStep healthy, long heapAfterGc, long evictedAfterMillis, int stalledStillOpen) {
	}

}
