package io.github.ssekit.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.pct;
import static io.github.ssekit.bench.load.Markdown.ratio;

/**
 * Single stream: one client reading 64-byte events as fast as each server writes them,
 * flushed per event ({@code flush}), with the producer outrunning the socket
 * ({@code burst}) and, for ssekit, from a {@code Flux} source ({@code flux}).
 *
 * @author ssekit
 */
final class SingleStreamScenario implements Scenario {

	private final Harness harness;

	private final double seconds;

	final List<Single> results = new ArrayList<>();

	SingleStreamScenario(Harness harness) {
		this.harness = harness;
		this.seconds = harness.mode.pick(1.0, 6.0);
	}

	@Override
	public String name() {
		return "single";
	}

	@Override
	public void runOn(ServerSpec spec, Procs.Server server) {
		this.harness.guarded(spec.name() + " single", () -> {
			run(spec, server, "flush");
			run(spec, server, "burst");
			if (spec.name().startsWith("ssekit")) {
				run(spec, server, "flux");
			}
		});
	}

	private void run(ServerSpec spec, Procs.Server server, String streamMode) throws Exception {
		double seconds = this.seconds;
		long heapBefore = Harness.heapAfterGc(server);
		List<Procs.Load> loads = this.harness.openLoad(server,
				"/stream?size=64&seconds=" + seconds + "&mode=" + streamMode, 1, 0);
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
					heapMidRun = Harness.heapAfterGc(server);
				}
				status = load.command("status", "status ", Duration.ofSeconds(10));
			}
			while (!"1".equals(status.get("closed")) && System.nanoTime() < deadline);
			long wall = System.nanoTime() - start;
			double serverCpu = 100.0 * (server.cpuNanos() - serverCpu0) / wall;
			double clientCpu = 100.0 * (Procs.cpuNanos(load.process) - clientCpu0) / wall;
			long events = Long.parseLong(status.get("events"));
			long span = Long.parseLong(status.get("lastEventNanos")) - Long.parseLong(status.get("firstEventNanos"));
			Single single = new Single(spec.name(), streamMode, 64, events, span, serverCpu, clientCpu, heapBefore,
					heapMidRun);
			this.results.add(single);
			Harness.log(String.format(Locale.ROOT,
					"%s: single %s %,d events, %,.0f events/s, cpu server %.0f%% client %.0f%%, heap after GC %.1f -> %.1f MB",
					spec.name(), streamMode, events, single.eventsPerSecond(), serverCpu, clientCpu, heapBefore / 1e6,
					heapMidRun / 1e6));
		}
		finally {
			Harness.closeAll(loads);
		}
	}

	@Override
	public void writeCsv(CsvFiles csv) {
		List<String> lines = csv.file("single.csv",
				"server,mode,event_size,events,span_ns,events_per_s,server_cpu_pct,client_cpu_pct,heap_before,heap_mid_run");
		this.results.forEach((s) -> lines.add(CsvFiles.row(s.server(), s.mode(), s.size(), s.events(), s.spanNanos(),
				CsvFiles.decimal(s.eventsPerSecond()), CsvFiles.decimal(s.serverCpuPercent()),
				CsvFiles.decimal(s.clientCpuPercent()), s.heapBefore(), s.heapMidRun())));
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Single stream");
		md.line("");
		md.line("One client, 64-byte events for " + this.seconds + " s, every server with its "
				+ "defaults (ssekit: a queue of at most 1,000 events or 1 MB per stream). `flush`: the plain loop, one "
				+ "call per event (ssekit: the producer loop, `publish` per event, which waits while the queue is "
				+ "full, its events written on the common pool, which coalesces what was queued during a write; raw: "
				+ "`write`+`flush` per event while `isReady()`; SseEmitter: `send` per event; WebFlux: "
				+ "`Flux.generate`, which Spring flushes per event). `burst`: the producer outruns the "
				+ "socket (ssekit publishes batches of 64 events with `publishAll`, which waits while the queue is full, "
				+ "and the writer coalesces queued events into writes of up to 16 KB; raw writes 16 KB buffers; "
				+ "SseEmitter and WebFlux have no such mode and repeat their one path). `flux` (ssekit only): a "
				+ "`Flux.generate` source handed to `SseStreamFactory.from`, its demand set by the room in the queue. "
				+ "CPU is the server's and the client's, in % of one core, from the request until the client saw the "
				+ "stream end; the client parses every event, as a browser would. Heap is the server's used heap after "
				+ "`System.gc()` before the request and half way through the run.");
		md.line("");
		md.line("| Server | Mode | Events | Events/s | vs raw | ssekit (Tomcat) ÷ this | Server CPU | Client CPU | Heap before → mid-run |");
		md.line("|---|---|---|---|---|---|---|---|---|");
		for (Single single : this.results) {
			Optional<Single> raw = find("raw", single.mode());
			Optional<Single> ref = find(ServerSpec.REFERENCE, single.mode());
			md.line(cells(ServerSpec.label(single.server()), single.mode(),
					String.format(Locale.ROOT, "%,d", single.events()),
					String.format(Locale.ROOT, "%,.0f", single.eventsPerSecond()),
					raw.map((r) -> ratio(single.eventsPerSecond(), r.eventsPerSecond())).orElse("-"),
					ref.map((r) -> ratio(r.eventsPerSecond(), single.eventsPerSecond())).orElse("-"),
					pct(single.serverCpuPercent()), pct(single.clientCpuPercent()),
					String.format(Locale.ROOT, "%.1f → %s MB", single.heapBefore() / 1e6, (single.heapMidRun() < 0)
							? "-" : String.format(Locale.ROOT, "%.1f", single.heapMidRun() / 1e6))));
		}
		md.line("");
		checkGoals(md);
	}

	private void checkGoals(Markdown md) {
		Optional<Single> ssekitFlush = find(ServerSpec.REFERENCE, "flush");
		Optional<Single> rawFlush = find("raw", "flush");
		if (ssekitFlush.isPresent() && rawFlush.isPresent()) {
			double r = ssekitFlush.get().eventsPerSecond() / rawFlush.get().eventsPerSecond();
			md.goal("Single stream: flush per event vs the raw servlet loop", "≥ 90 %",
					String.format(Locale.ROOT, "%.0f %% (%,.0f vs %,.0f events/s)", r * 100,
							ssekitFlush.get().eventsPerSecond(), rawFlush.get().eventsPerSecond()),
					r >= 0.9);
		}
		find(ServerSpec.REFERENCE, "burst").ifPresent((burst) -> md.goal("Single stream: coalesced, from `publishAll`",
				"≥ 1,000,000 events/s", String.format(Locale.ROOT, "%,.0f events/s", burst.eventsPerSecond()),
				burst.eventsPerSecond() >= 1e6));
		ssekitFlush
			.ifPresent((loop) -> md.goal("Single stream: coalesced, from the paced producer loop (`publish` per event)",
					"≥ 1,000,000 events/s", String.format(Locale.ROOT, "%,.0f events/s", loop.eventsPerSecond()),
					loop.eventsPerSecond() >= 1e6));
		for (String mode : List.of("burst", "flux")) {
			find(ServerSpec.REFERENCE, mode).filter((s) -> s.heapMidRun() >= 0).ifPresent((s) -> {
				long growth = s.heapMidRun() - s.heapBefore();
				md.goal("Single stream: server heap while the " + ("flux".equals(mode) ? "Flux source" : "producer")
						+ " outruns the socket (" + mode + ")", "≤ 16 MB above the heap before the stream",
						String.format(Locale.ROOT, "%+.1f MB (%.1f → %.1f MB after GC)", growth / 1e6,
								s.heapBefore() / 1e6, s.heapMidRun() / 1e6),
						growth <= 16_000_000);
			});
		}
	}

	private Optional<Single> find(String server, String mode) {
		return this.results.stream().filter((s) -> s.server().equals(server) && s.mode().equals(mode)).findFirst();
	}

	/**
	 * One single-stream run; the CPU figures are in % of one core over the run, from the
	 * request until the client saw the stream end (so they include the connection's setup
	 * and the last reads). The heap is the server's used heap after {@code System.gc()},
	 * before the request and half way through the run ({@code -1} if the run ended
	 * before).
	 */
	record Single(String server, String mode, int size, long events, long spanNanos, double serverCpuPercent,
			double clientCpuPercent, long heapBefore, long heapMidRun) {

		double eventsPerSecond() {
			return (this.spanNanos > 0) ? this.events * 1e9 / this.spanNanos : 0;
		}

	}

}
