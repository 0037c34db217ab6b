package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line description of the machine, from /proc.
 */
final class Machine {

	private Machine() {
	}

	static String describe() {
		String cpu = "unknown CPU";
		long memoryKb = 0;
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					cpu = line.substring(line.indexOf(':') + 1).trim();
					break;
				}
			}
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					memoryKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException ex) {
			// keep the defaults
		}
		return String.format(Locale.ROOT, "%s, %d cores visible to the JVM, %.0f GiB RAM, %s %s", cpu,
				Runtime.getRuntime().availableProcessors(), memoryKb / 1048576.0, System.getProperty("os.name"),
				System.getProperty("os.version"));
	}

}
