package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.ms;
import static io.github.ssekit.bench.load.Markdown.ratio;

/**
 * Broadcast: the server's own publisher thread broadcasts 64-byte events to every client
 * at a rate stepped up until deliveries fall behind, for each client count; with a chart
 * of p99 latency against the delivery rate.
 *
 * @author ssekit
 */
final class BroadcastScenario implements Scenario {

	private final Harness harness;

	private final int[] clientCounts;

	private final int[] deliverySteps;

	private final double stepSeconds;

	/** Every measured step, also those of other JVMs (the virtual-thread run). */
	final List<BroadcastStep> results = new ArrayList<>();

	/** When the last broadcast's warm-up ended and its measured steps began. */
	private volatile Instant measuredFrom;

	BroadcastScenario(Harness harness) {
		this.harness = harness;
		this.clientCounts = harness.mode.pick(new int[] { 1000 }, new int[] { 1000, 5000 });
		this.deliverySteps = harness.mode.pick(new int[] { 25_000, 50_000, 100_000 },
				new int[] { 10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000 });
		this.stepSeconds = harness.mode.pick(1.5, 5.0);
	}

	@Override
	public String name() {
		return "broadcast";
	}

	@Override
	public void runOn(ServerSpec spec, Procs.Server server) {
		for (int clients : this.clientCounts) {
			this.harness.guarded(spec.name() + " broadcast " + clients, () -> run(spec, "JDK 17", server, clients));
		}
	}

	/** The smallest client count. */
	int firstClientCount() {
		return this.clientCounts[0];
	}

	/**
	 * When the last broadcast's warm-up ended and its measured steps began, {@code null}
	 * before any.
	 */
	Instant measuredFrom() {
		return this.measuredFrom;
	}

	/**
	 * Broadcast to the clients at every step's rate until one is not sustained, after a
	 * warm-up step.
	 * @param spec the server
	 * @param jvm its JVM, for the report
	 * @param server its running JVM
	 * @param clients the clients to broadcast to
	 * @throws Exception on failure
	 */
	void run(ServerSpec spec, String jvm, Procs.Server server, int clients) throws Exception {
		Harness.log(spec.name() + " (" + jvm + "): broadcast to " + clients + " clients");
		List<Procs.Load> loads = this.harness.openLoad(server, "/subscribe", clients, 0);
		try {
			this.harness.awaitOpen(server, loads, clients);
			BroadcastStep.measure(spec, jvm, server, loads, clients, 0, 99, (double) this.deliverySteps[0] / clients,
					this.stepSeconds / 2, 64);
			this.measuredFrom = Instant.now();
			int step = 0;
			for (int target : this.deliverySteps) {
				step++;
				double rate = (double) target / clients;
				BroadcastStep result = BroadcastStep.measure(spec, jvm, server, loads, clients, 0, step, rate,
						this.stepSeconds, 64);
				this.results.add(result);
				Harness.log(String.format(Locale.ROOT,
						"   step %d: %.1f/s x %d = %,d/s target, published %d in %.1f s, %,.0f/s delivered (%d of %d), p50 %.2f ms, p99 %.2f ms, max %.1f ms, cpu %.0f%%%s",
						step, rate, clients, target, result.published(), result.publishSeconds(),
						result.deliveriesPerSecond(), result.delivered(), result.expected(), result.p50Ms(),
						result.p99Ms(), result.maxMs(), result.cpuPercent(), result.sustained() ? "" : "  <- behind"));
				if (!result.sustained()) {
					break;
				}
			}
		}
		finally {
			Harness.closeAll(loads);
		}
		this.harness.afterClients(server);
	}

	@Override
	public void writeCsv(CsvFiles csv) {
		List<String> lines = csv.file(BroadcastStep.CSV_FILE, BroadcastStep.CSV_HEADER);
		this.results.forEach((b) -> lines.add(b.csvRow()));
	}

	@Override
	public void drawCharts(Path dir) throws IOException {
		Charts.draw(dir,
				this.results.stream()
					.map((b) -> new Charts.Point(b.label(), b.clients(), b.stalled(), b.step(), b.deliveriesPerSecond(),
							b.p99Ms()))
					.toList());
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Broadcast");
		md.line("");
		md.line("Clients subscribe to `/subscribe`; the server's own publisher thread broadcasts 64-byte events at a "
				+ "rate stepped up (" + this.stepSeconds + " s per step) until deliveries fall behind: "
				+ "a step is *sustained* when the publisher kept its rate, at least 99.9 % of the expected deliveries "
				+ "(events published × clients) arrived within 1.5 s after the step, and p99 stayed under 1 s. "
				+ "ssekit broadcasts through "
				+ (SsekitMode.CHANNELS
						? "`SseChannels` (encode once, every " + "subscriber's queue gets the same bytes)"
						: "a loop over its open streams")
				+ "; SseEmitter " + "through the hand-written `CopyOnWriteArrayList` send loop; WebFlux through "
				+ "`Sinks.many().multicast().onBackpressureBuffer()`; the raw servlet through a per-connection "
				+ "queue and the non-blocking write loop. Each client count starts with an unrecorded warm-up at the "
				+ "first step's rate. Chart: p99 latency (log scale) against the delivery rate achieved, one point per step.");
		md.line("");
		for (int clients : this.clientCounts) {
			md.line("![Broadcast to " + clients + " clients: p99 latency against deliveries/s](benchmarks/broadcast-"
					+ clients + ".png)");
			md.line("");
			md.line("### " + clients + " clients");
			md.line("");
			writeSteps(md, clients);
			Map<String, BroadcastStep> best = sustained(clients);
			writeSustained(md, best);
			checkGoals(md, clients, best);
		}
	}

	private void writeSteps(Markdown md, int clients) {
		md.line("| Server | Step | Target deliveries/s | Delivered/expected | Deliveries/s | p50 ms | p99 ms | max ms | Server CPU % | Sustained |");
		md.line("|---|---|---|---|---|---|---|---|---|---|");
		for (BroadcastStep b : this.results) {
			if (b.clients() == clients && b.stalled() == 0 && b.step() < 100) {
				md.line(cells(b.label(), String.valueOf(b.step()),
						String.format(Locale.ROOT, "%,d", b.targetDeliveries()),
						String.format(Locale.ROOT, "%,d / %,d", b.delivered(), b.expected()),
						String.format(Locale.ROOT, "%,.0f", b.deliveriesPerSecond()), ms(b.p50Ms()), ms(b.p99Ms()),
						ms(b.maxMs()), String.format(Locale.ROOT, "%.0f", b.cpuPercent()),
						b.sustained() ? "yes" : (b.keptRate() ? "no" : "no (publisher behind)")));
			}
		}
		md.line("");
	}

	private void writeSustained(Markdown md, Map<String, BroadcastStep> best) {
		md.line("| Server | Sustained deliveries/s | vs raw | ssekit (Tomcat) ÷ this | p99 at that step |");
		md.line("|---|---|---|---|---|");
		BroadcastStep raw = best.get("raw|JDK 17");
		BroadcastStep ref = best.get(ServerSpec.REFERENCE + "|JDK 17");
		best.forEach((key, b) -> md.line(cells(b.label(), String.format(Locale.ROOT, "%,.0f", b.deliveriesPerSecond()),
				(raw != null) ? ratio(b.deliveriesPerSecond(), raw.deliveriesPerSecond()) : "-",
				(ref != null) ? ratio(ref.deliveriesPerSecond(), b.deliveriesPerSecond()) : "-", ms(b.p99Ms()))));
		md.line("");
	}

	private void checkGoals(Markdown md, int clients, Map<String, BroadcastStep> best) {
		BroadcastStep ref = best.get(ServerSpec.REFERENCE + "|JDK 17");
		if (ref == null) {
			return;
		}
		long lost = 0;
		long expected = 0;
		for (BroadcastStep b : this.results) {
			if (b.server().equals(ServerSpec.REFERENCE) && b.jvm().equals("JDK 17") && b.clients() == clients
					&& b.step() < 100 && b.step() <= ref.step()) {
				lost += b.expected() - b.delivered();
				expected += b.expected();
			}
		}
		md.goal("Broadcast " + clients + ": every event delivered (sustained steps)", "0 lost",
				String.format(Locale.ROOT, "%,d of %,d not delivered", Math.max(0, lost), expected), lost <= 0);
		BroadcastStep raw = best.get("raw|JDK 17");
		if (raw != null) {
			int step = Math.min(raw.step(), ref.step());
			Optional<BroadcastStep> refAt = at(ServerSpec.REFERENCE, clients, step);
			Optional<BroadcastStep> rawAt = at("raw", clients, step);
			if (refAt.isPresent() && rawAt.isPresent()) {
				double r = refAt.get().p99Ms() / Math.max(0.001, rawAt.get().p99Ms());
				md.goal("Broadcast " + clients + ": p99 vs the raw baseline", "≤ 1.5 ×",
						String.format(Locale.ROOT, "%.2f × (%s vs %s ms at %,d deliveries/s)", r,
								ms(refAt.get().p99Ms()), ms(rawAt.get().p99Ms()), refAt.get().targetDeliveries()),
						r <= 1.5);
			}
		}
		double emitter = Optional.ofNullable(best.get("emitter|JDK 17"))
			.map(BroadcastStep::deliveriesPerSecond)
			.orElse(0.0);
		double webflux = Optional.ofNullable(best.get("webflux|JDK 17"))
			.map(BroadcastStep::deliveriesPerSecond)
			.orElse(0.0);
		md.goal("Broadcast " + clients + ": sustained deliveries/s vs SseEmitter", "≥ 3 ×",
				(emitter > 0) ? String.format(Locale.ROOT, "%.2f × (%,.0f vs %,.0f)",
						ref.deliveriesPerSecond() / emitter, ref.deliveriesPerSecond(), emitter)
						: "SseEmitter sustained no step",
				emitter == 0 || ref.deliveriesPerSecond() >= 3 * emitter);
		p99AgainstWebFlux(md, clients);
		md.goal("Broadcast " + clients + ": sustained deliveries/s vs WebFlux", "≥ 1 ×",
				(webflux > 0) ? String.format(Locale.ROOT, "%.2f × (%,.0f vs %,.0f)",
						ref.deliveriesPerSecond() / webflux, ref.deliveriesPerSecond(), webflux)
						: "WebFlux sustained no step",
				webflux == 0 || ref.deliveriesPerSecond() >= webflux);
		md.goal("Broadcast " + clients + ": at least 50,000 deliveries/s", "≥ 50,000/s",
				String.format(Locale.ROOT, "%,.0f/s", ref.deliveriesPerSecond()), ref.deliveriesPerSecond() >= 50_000);
	}

	/**
	 * ssekit's p99 against WebFlux's at every step that both sustained.
	 */
	private void p99AgainstWebFlux(Markdown md, int clients) {
		List<String> worse = new ArrayList<>();
		int steps = 0;
		double worst = 0;
		for (BroadcastStep ref : this.results) {
			if (!ref.server().equals(ServerSpec.REFERENCE) || !ref.jvm().equals("JDK 17") || ref.clients() != clients
					|| ref.stalled() != 0 || ref.step() >= 100 || !ref.sustained()) {
				continue;
			}
			Optional<BroadcastStep> webflux = at("webflux", clients, ref.step()).filter(BroadcastStep::sustained);
			if (webflux.isEmpty()) {
				continue;
			}
			steps++;
			double r = ref.p99Ms() / Math.max(0.001, webflux.get().p99Ms());
			worst = Math.max(worst, r);
			if (ref.p99Ms() > webflux.get().p99Ms()) {
				worse.add(String.format(Locale.ROOT, "%,d/s: %s vs %s ms", ref.targetDeliveries(), ms(ref.p99Ms()),
						ms(webflux.get().p99Ms())));
			}
		}
		if (steps == 0) {
			return;
		}
		md.goal("Broadcast " + clients + ": p99 vs WebFlux at every step both sustain", "≤ 1 ×",
				String.format(Locale.ROOT, "%d steps, highest %.2f ×", steps, worst)
						+ (worse.isEmpty() ? "" : "; higher at " + String.join(", ", worse)),
				worse.isEmpty());
	}

	private Optional<BroadcastStep> at(String server, int clients, int step) {
		return this.results.stream()
			.filter((b) -> b.server().equals(server) && b.jvm().equals("JDK 17") && b.clients() == clients
					&& b.step() == step)
			.findFirst();
	}

	/** Per server and JVM, its sustained step with the most deliveries per second. */
	private Map<String, BroadcastStep> sustained(int clients) {
		Map<String, BroadcastStep> best = new LinkedHashMap<>();
		for (BroadcastStep b : this.results) {
			if (b.clients() != clients || b.stalled() != 0 || b.step() >= 100) {
				continue;
			}
			String key = b.server() + "|" + b.jvm();
			best.putIfAbsent(key, null);
			BroadcastStep current = best.get(key);
			if (b.sustained() && (current == null || b.deliveriesPerSecond() > current.deliveriesPerSecond())) {
				best.put(key, b);
			}
		}
		best.values().removeIf((b) -> b == null);
		return best;
	}

}
