package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A server's live objects per class ({@code jcmd GC.class_histogram}), and what grew
 * between two of them.
 *
 * @author ssekit
 */
final class ClassHistograms {

	private ClassHistograms() {
	}

	/**
	 * Live objects per class ({@code jcmd GC.class_histogram}, which collects first):
	 * instances and bytes.
	 * @param java the {@code java} command whose {@code jcmd} to use
	 * @param server the server
	 * @return instances and bytes by class name, empty if {@code jcmd} failed
	 */
	static Map<String, long[]> take(String java, Procs.Server server) {
		Map<String, long[]> classes = new LinkedHashMap<>();
		try {
			Process jcmd = new ProcessBuilder(Path.of(java).getParent().resolve("jcmd").toString(),
					String.valueOf(server.process.pid()), "GC.class_histogram")
				.redirectErrorStream(true)
				.start();
			for (String line : new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				String[] cells = line.trim().split("\\s+");
				if (cells.length >= 4 && cells[0].endsWith(":")) {
					classes.put(cells[3], new long[] { Long.parseLong(cells[1]), Long.parseLong(cells[2]) });
				}
			}
			jcmd.waitFor();
		}
		catch (IOException | RuntimeException | InterruptedException ex) {
			Harness.log("   class histogram failed: " + ex);
		}
		return classes;
	}

	/**
	 * Bytes per stream of every class whose live heap grew while the streams were open.
	 */
	static Map<String, Double> bytesPerStream(Map<String, long[]> before, Map<String, long[]> after, int streams) {
		Map<String, Double> bytes = new LinkedHashMap<>();
		after.forEach((name, values) -> {
			long[] old = before.getOrDefault(name, new long[2]);
			bytes.merge(name.replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda"),
					(double) (values[1] - old[1]) / Math.max(1, streams), Double::sum);
		});
		return bytes;
	}

	/**
	 * Of the bytes per stream by class, those of the library's own classes
	 * (io.github.ssekit, not the benchmark).
	 */
	static Map<String, Double> libraryClasses(Map<String, Double> byClass) {
		Map<String, Double> bytes = new LinkedHashMap<>();
		byClass.forEach((name, perStream) -> {
			if (name.startsWith("io.github.ssekit.") && !name.startsWith("io.github.ssekit.bench.") && perStream >= 1) {
				bytes.put(name, perStream);
			}
		});
		return bytes;
	}

}
