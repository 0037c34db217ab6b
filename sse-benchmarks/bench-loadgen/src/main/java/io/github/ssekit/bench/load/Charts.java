package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The broadcast charts: p99 latency against the delivery rate achieved, one chart per
 * client count, drawn from a run's results or again from {@code broadcast.csv}.
 *
 * @author ssekit
 */
final class Charts {

	/** The client counts that have a chart, if the run measured them. */
	static final List<Integer> CLIENTS = List.of(1000, 5000);

	private Charts() {
	}

	/**
	 * Draw the broadcast charts again from {@code broadcast.csv} in the given folder, for
	 * example after a change to how they are drawn ({@code ./bench/run.sh charts}).
	 * @param dir the folder with {@code broadcast.csv}, where the charts are written
	 * @throws IOException if the CSV cannot be read or a chart written
	 */
	static void redraw(Path dir) throws IOException {
		List<String> lines = Files.readAllLines(dir.resolve("broadcast.csv"));
		List<String> header = List.of(lines.get(0).split(","));
		List<Point> points = new ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] cells = line.split(",");
			String server = ServerSpec.label(cells[header.indexOf("server")]);
			String jvm = cells[header.indexOf("jvm")];
			points.add(new Point(jvm.equals("JDK 17") ? server : server + ", " + jvm,
					Integer.parseInt(cells[header.indexOf("clients")]),
					Integer.parseInt(cells[header.indexOf("stalled")]), Integer.parseInt(cells[header.indexOf("step")]),
					Double.parseDouble(cells[header.indexOf("deliveries_per_s")]),
					Double.parseDouble(cells[header.indexOf("p99_ms")])));
		}
		draw(dir, points);
	}

	/** Draw the chart of every client count in {@link #CLIENTS} that has points. */
	static void draw(Path dir, List<Point> points) throws IOException {
		for (int clients : CLIENTS) {
			draw(dir, points, clients);
		}
	}

	/**
	 * p99 against deliveries/s, one series per server; the latency axis is logarithmic.
	 */
	private static void draw(Path dir, List<Point> points, int clients) throws IOException {
		XYChart chart = new XYChartBuilder().width(900)
			.height(560)
			.title("Broadcast to " + clients + " clients: p99 latency vs delivery rate")
			.xAxisTitle("deliveries/s (achieved)")
			.yAxisTitle("p99 latency (ms, log scale)")
			.build();
		chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
		chart.getStyler().setYAxisLogarithmic(true);
		chart.getStyler().setMarkerSize(7);
		Map<String, List<Point>> series = new LinkedHashMap<>();
		for (Point point : points) {
			if (point.clients() == clients && point.stalled() == 0 && point.step() < 100) {
				series.computeIfAbsent(point.series(), (k) -> new ArrayList<>()).add(point);
			}
		}
		if (series.isEmpty()) {
			return;
		}
		series.forEach((name, list) -> {
			double[] x = list.stream().mapToDouble(Point::deliveriesPerSecond).toArray();
			double[] y = list.stream().mapToDouble((p) -> Math.max(0.01, p.p99Ms())).toArray();
			chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
		});
		BitmapEncoder.saveBitmap(chart, dir.resolve("broadcast-" + clients + ".png").toString(),
				BitmapEncoder.BitmapFormat.PNG);
	}

	/**
	 * One step of the broadcast as the chart draws it.
	 *
	 * @param series the server (and JVM if not JDK 17)
	 * @param clients the client count
	 * @param stalled of them, how many never read
	 * @param step the step
	 * @param deliveriesPerSecond the delivery rate achieved
	 * @param p99Ms the p99 latency
	 */
	record Point(String series, int clients, int stalled, int step, double deliveriesPerSecond, double p99Ms) {
	}

}
