package io.github.ssekit.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.ms;
import static io.github.ssekit.bench.load.Markdown.ratio;

/**
 * Stalled clients: 50 broadcasts/s of 512-byte events, once with every client reading and
 * once with 1 % that never read, with the healthy clients' latency and when the server
 * dropped the stalled streams.
 *
 * @author ssekit
 */
final class StallScenario implements Scenario {

	private final Harness harness;

	private final int clients;

	private final double seconds;

	private final int writeTimeoutSeconds;

	final List<Stall> results = new ArrayList<>();

	StallScenario(Harness harness) {
		this.harness = harness;
		this.clients = harness.mode.pick(500, 1000);
		this.seconds = harness.mode.pick(2.5, 20.0);
		this.writeTimeoutSeconds = harness.mode.pick(2, 5);
	}

	@Override
	public String name() {
		return "stall";
	}

	@Override
	public List<String> serverArguments() {
		return List.of("--sse.stream.write-timeout=" + this.writeTimeoutSeconds + "s");
	}

	@Override
	public void runOn(ServerSpec spec, Procs.Server server) {
		this.harness.guarded(spec.name() + " stall", () -> {
			server.post("/control/send-buffer?bytes=8192");
			run(spec, server, false);
			run(spec, server, true);
		});
	}

	private void run(ServerSpec spec, Procs.Server server, boolean withStall) throws Exception {
		int clients = this.clients;
		int stalled = withStall ? clients / 100 : 0;
		double seconds = this.seconds;
		Harness.log(spec.name() + ": " + clients + " clients at 50 broadcasts/s, " + stalled + " stalled");
		List<Procs.Load> loads = this.harness.openLoad(server, "/subscribe", clients, stalled);
		try {
			this.harness.awaitOpen(server, loads, clients);
			int step = withStall ? 201 : 200;
			long[] evictedAfter = { -1 };
			Thread watcher = new Thread(() -> watchEviction(server, clients - stalled, seconds, evictedAfter));
			if (stalled > 0) {
				watcher.start();
			}
			BroadcastStep broadcast = BroadcastStep.measure(spec, "JDK 17", server, loads, clients, stalled, step, 50,
					seconds, 512);
			if (stalled > 0) {
				watcher.join();
			}
			long heap = Harness.heapAfterGc(server);
			int remaining = Math.max(0, server.subscribers() - (clients - stalled));
			Stall result = new Stall(spec.name(), clients, stalled, seconds, broadcast, heap, evictedAfter[0],
					remaining);
			this.results.add(result);
			Harness.log(String.format(Locale.ROOT,
					"   healthy: published %d in %.1f s, %d of %d delivered, p99 %.2f ms, max %.1f ms; heap after GC %.1f MB; evicted after %s; stalled still open %d",
					broadcast.published(), broadcast.publishSeconds(), broadcast.delivered(), broadcast.expected(),
					broadcast.p99Ms(), broadcast.maxMs(), heap / 1e6,
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
				"server,clients,stalled,seconds,published,expected_healthy,delivered_healthy,p50_ms,p99_ms,max_ms,heap_after_gc,evicted_after_ms,stalled_still_open");
		this.results.forEach((s) -> lines.add(CsvFiles.row(s.server(), s.clients(), s.stalled(), s.seconds(),
				s.healthy().published(), s.healthy().expected(), s.healthy().delivered(),
				CsvFiles.decimal(s.healthy().p50Ms()), CsvFiles.decimal(s.healthy().p99Ms()),
				CsvFiles.decimal(s.healthy().maxMs()), s.heapAfterGc(), s.evictedAfterMillis(), s.stalledStillOpen())));
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Stalled clients");
		md.line("");
		md.line(String.format(Locale.ROOT, "%,d", this.clients) + " clients, 50 broadcasts/s of 512-byte events for "
				+ this.seconds + " s, once with every client reading and once with 1 % (" + (this.clients / 100)
				+ ") that never read (receive buffer 4 KB). "
				+ "Every server runs here with an 8 KB socket send buffer so that a stalled client fills it within a "
				+ "second; ssekit with `sse.stream.write-timeout=" + this.writeTimeoutSeconds + "s`. Healthy "
				+ "clients' latency and deliveries, the server's heap after GC at the end, and when the server had "
				+ "dropped the stalled streams (its subscriber count fell to the healthy clients).");
		md.line("");
		md.line("| Server | Stalled | Healthy delivered/expected | p50 ms | p99 ms | max ms | p99 vs no stall | Heap after GC | Stalled evicted after | Published/planned |");
		md.line("|---|---|---|---|---|---|---|---|---|---|");
		for (Stall s : this.results) {
			Optional<Stall> calm = find(s.server(), false);
			BroadcastStep h = s.healthy();
			md.line(cells(ServerSpec.label(s.server()), String.valueOf(s.stalled()),
					String.format(Locale.ROOT, "%,d / %,d", h.delivered(), h.expected()), ms(h.p50Ms()), ms(h.p99Ms()),
					ms(h.maxMs()),
					(s.stalled() > 0 && calm.isPresent()) ? ratio(h.p99Ms(), calm.get().healthy().p99Ms()) : "-",
					String.format(Locale.ROOT, "%.1f MB", s.heapAfterGc() / 1e6),
					(s.stalled() == 0) ? "-"
							: (s.evictedAfterMillis() >= 0)
									? String.format(Locale.ROOT, "%.1f s", s.evictedAfterMillis() / 1000.0)
									: "never (" + s.stalledStillOpen() + " still open)",
					h.published() + " / " + Math.round(50 * s.seconds())));
		}
		md.line("");
		checkGoals(md);
	}

	private void checkGoals(Markdown md) {
		Optional<Stall> calm = find(ServerSpec.REFERENCE, false);
		Optional<Stall> stalled = find(ServerSpec.REFERENCE, true);
		if (calm.isEmpty() || stalled.isEmpty()) {
			return;
		}
		double r = stalled.get().healthy().p99Ms() / Math.max(0.001, calm.get().healthy().p99Ms());
		md.goal("Stalled clients: healthy clients' p99 rise", "≤ 10 %",
				String.format(Locale.ROOT, "%+.0f %% (%s vs %s ms)", (r - 1) * 100, ms(stalled.get().healthy().p99Ms()),
						ms(calm.get().healthy().p99Ms())),
				r <= 1.10);
		long deadline = (this.writeTimeoutSeconds + 5) * 1000L;
		md.goal("Stalled clients: evicted within the deadline",
				"≤ write-timeout (" + this.writeTimeoutSeconds + " s) + 5 s to fill the buffers",
				(stalled.get().evictedAfterMillis() >= 0)
						? String.format(Locale.ROOT, "%.1f s", stalled.get().evictedAfterMillis() / 1000.0)
						: "not evicted",
				stalled.get().evictedAfterMillis() >= 0 && stalled.get().evictedAfterMillis() <= deadline);
	}

	/** The server's run with or without stalled clients. */
	private Optional<Stall> find(String server, boolean withStalled) {
		return this.results.stream()
			.filter((s) -> s.server().equals(server) && (s.stalled() > 0) == withStalled)
			.findFirst();
	}

	/**
	 * One run of the scenario on one server.
	 *
	 * @param server the server's short name
	 * @param clients the clients
	 * @param stalled of them, how many never read
	 * @param seconds how long the server broadcast
	 * @param healthy the broadcast as the reading clients received it
	 * @param heapAfterGc the server's heap after GC at the end
	 * @param evictedAfterMillis when the server had dropped the stalled streams, -1 if it
	 * did not
	 * @param stalledStillOpen stalled streams still open at the end
	 */
	record Stall(String server, int clients, int stalled, double seconds, BroadcastStep healthy, long heapAfterGc,
			long evictedAfterMillis, int stalledStillOpen) {
	}

}
