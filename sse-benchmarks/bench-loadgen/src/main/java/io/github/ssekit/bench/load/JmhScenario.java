package io.github.ssekit.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.github.ssekit.bench.load.Markdown.cells;
import static io.github.ssekit.bench.load.Markdown.ratio;

/**
 * Encoder microbenchmark: JMH's {@code EncoderBenchmark}, ssekit's event encoding against
 * {@code SseEmitter}'s, in time and allocation per event.
 *
 * @author ssekit
 */
final class JmhScenario implements Scenario {

	private final Harness harness;

	private final int iterations;

	private final int iterationMillis;

	final List<Jmh> results = new ArrayList<>();

	JmhScenario(Harness harness) {
		this.harness = harness;
		this.iterations = harness.mode.pick(2, 5);
		this.iterationMillis = harness.mode.pick(300, 1000);
	}

	@Override
	public String name() {
		return "jmh";
	}

	@Override
	public void runAlone() {
		this.harness.guarded("JMH", this::run);
	}

	private void run() throws Exception {
		Path csv = this.harness.work.resolve("jmh.csv");
		List<String> command = new ArrayList<>(
				List.of(this.harness.java, "-cp", Classpaths.forJmh(this.harness.root), "org.openjdk.jmh.Main",
						"EncoderBenchmark", "-prof", "gc", "-f", "1", "-wi", String.valueOf(this.iterations), "-w",
						this.iterationMillis + "ms", "-i", String.valueOf(this.iterations), "-r",
						this.iterationMillis + "ms", "-rf", "csv", "-rff", csv.toString()));
		Harness.log("JMH encoder benchmark");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.harness.work.resolve("jmh.log").toFile())
			.start();
		if (!process.waitFor(10, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("JMH did not finish");
		}
		this.results.addAll(Jmh.parse(Files.readAllLines(csv)));
		for (Jmh row : this.results) {
			Harness.log("   " + row);
		}
	}

	@Override
	public void writeCsv(CsvFiles csv) {
		List<String> lines = csv.file("jmh.csv", "benchmark,event_size,ns_per_event,bytes_per_event");
		this.results.forEach((j) -> lines.add(CsvFiles.row(j.benchmark(), j.size(), CsvFiles.decimal(j.nsPerEvent()),
				CsvFiles.decimal(j.bytesPerEvent()))));
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Encoder microbenchmark (JMH)");
		md.line("");
		md.line("Building one event (id, event name, data) and turning it into the bytes written to the socket: "
				+ "ssekit's `SseEvent.builder()...build().encoded()` against `SseEmitter.event()...build()` with each "
				+ "part converted to UTF-8 as Spring MVC's `StringHttpMessageConverter` does. `-prof gc`; "
				+ this.iterations + " warm-up and " + this.iterations + " measured iterations of "
				+ this.iterationMillis + " ms, 1 fork. A broadcast encodes once with ssekit, and once per subscriber "
				+ "with `SseEmitter.send`.");
		md.line("");
		md.line("| Benchmark | Event size | ns/event | bytes allocated/event | SseEmitter ÷ ssekit (time) |");
		md.line("|---|---|---|---|---|");
		for (Jmh row : this.results) {
			Optional<Jmh> ssekit = this.results.stream()
				.filter((r) -> r.benchmark().equals("ssekit") && r.size() == row.size())
				.findFirst();
			md.line(cells(row.benchmark(), String.valueOf(row.size()),
					String.format(Locale.ROOT, "%.1f", row.nsPerEvent()),
					String.format(Locale.ROOT, "%.0f", row.bytesPerEvent()),
					ssekit.map((s) -> ratio(row.nsPerEvent(), s.nsPerEvent())).orElse("-")));
		}
		md.line("");
	}

	/**
	 * One benchmark at one event size.
	 *
	 * @param benchmark the benchmark method, {@code ssekit} or {@code sseEmitter}
	 * @param size the event size
	 * @param nsPerEvent time per event
	 * @param bytesPerEvent bytes allocated per event
	 */
	record Jmh(String benchmark, int size, double nsPerEvent, double bytesPerEvent) {

		/**
		 * The rows of JMH's CSV result: the primary score of each benchmark and size,
		 * with its allocation.
		 */
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
