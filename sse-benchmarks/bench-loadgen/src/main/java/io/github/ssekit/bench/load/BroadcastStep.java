package io.github.ssekit.bench.load;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * One step of broadcasts at a given rate from the server's own publisher thread to the
 * clients of the load generators, as the broadcast and the stalled-clients scenarios
 * measure it, and its row of {@code broadcast.csv}.
 *
 * @param server the server's short name
 * @param jvm the server's JVM, {@code JDK 17} unless another one
 * @param clients the clients
 * @param stalled of them, how many never read
 * @param step the step's number (0 for a warm-up)
 * @param rate broadcasts per second
 * @param targetDeliveries deliveries per second planned
 * @param published broadcasts published
 * @param publishSeconds how long publishing took
 * @param expected deliveries expected by the reading clients
 * @param delivered deliveries received by them
 * @param deliveriesPerSecond deliveries per second achieved
 * @param p50Ms median latency
 * @param p99Ms p99 latency
 * @param maxMs maximum latency
 * @param cpuPercent the server's CPU, in % of one core
 * @param sustained whether the publisher kept its rate, (almost) every event arrived and
 * p99 stayed under 1 s
 * @param keptRate whether the publisher kept its rate
 * @param finished whether the publisher finished
 * @author ssekit
 */
record BroadcastStep(String server, String jvm, int clients, int stalled, int step, double rate, long targetDeliveries,
		long published, double publishSeconds, long expected, long delivered, double deliveriesPerSecond, double p50Ms,
		double p99Ms, double maxMs, double cpuPercent, boolean sustained, boolean keptRate, boolean finished) {

	static final String CSV_FILE = "broadcast.csv";

	static final String CSV_HEADER = "server,jvm,clients,stalled,step,rate_per_s,target_deliveries_per_s,published,expected,delivered,deliveries_per_s,p50_ms,p99_ms,max_ms,server_cpu_pct,sustained,kept_rate,publisher_finished";

	static BroadcastStep measure(ServerSpec spec, String jvm, Procs.Server server, List<Procs.Load> loads, int clients,
			int stalled, int step, double rate, double seconds, int size) throws Exception {
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
		return new BroadcastStep(spec.name(), jvm, clients, stalled, step, rate, Math.round(rate * clients), published,
				publishSeconds, expected, delivered, delivered / publishSeconds,
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

	private static Histogram decode(String encoded) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The server's name in the report, with the JVM if it is not JDK 17. */
	String label() {
		String label = ServerSpec.label(this.server);
		return this.jvm.equals("JDK 17") ? label : label + ", " + this.jvm;
	}

	String csvRow() {
		return CsvFiles.row(this.server, this.jvm, this.clients, this.stalled, this.step, CsvFiles.decimal(this.rate),
				this.targetDeliveries, this.published, this.expected, this.delivered,
				CsvFiles.decimal(this.deliveriesPerSecond), CsvFiles.decimal(this.p50Ms), CsvFiles.decimal(this.p99Ms),
				CsvFiles.decimal(this.maxMs), CsvFiles.decimal(this.cpuPercent), this.sustained, this.keptRate,
				this.finished);
	}

}
