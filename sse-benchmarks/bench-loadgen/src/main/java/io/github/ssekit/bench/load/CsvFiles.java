package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CSV files of a run, filled by the scenarios (several may add rows to one file) and
 * then written.
 *
 * @author ssekit
 */
final class CsvFiles {

	private final Map<String, List<String>> files = new LinkedHashMap<>();

	/**
	 * The lines of a CSV file, created with its header line on first use.
	 * @param file the file's name
	 * @param header its header line
	 * @return its lines, to add rows to
	 */
	List<String> file(String file, String header) {
		return this.files.computeIfAbsent(file, (name) -> new ArrayList<>(List.of(header)));
	}

	void write(Path dir) throws IOException {
		for (Map.Entry<String, List<String>> file : this.files.entrySet()) {
			Files.write(dir.resolve(file.getKey()), file.getValue());
		}
	}

	/** A CSV row of the values. */
	static String row(Object... values) {
		StringBuilder line = new StringBuilder();
		for (Object value : values) {
			if (line.length() > 0) {
				line.append(',');
			}
			line.append(value);
		}
		return line.toString();
	}

	/** A figure with three decimals. */
	static String decimal(double value) {
		return String.format(Locale.ROOT, "%.3f", value);
	}

}
