package io.github.ssekit.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scenarios' sections of {@code docs/benchmarks.md} as they write them, the goals
 * they check (which the report puts in one table ahead of the sections), and how figures
 * are written there.
 *
 * @author ssekit
 */
final class Markdown {

	private final StringBuilder text = new StringBuilder();

	private final List<String[]> goals = new ArrayList<>();

	void line(String line) {
		this.text.append(line).append('\n');
	}

	void goal(String goal, String target, String measured, boolean met) {
		this.goals.add(new String[] { goal, target, measured, met ? "**met**" : "**not met**" });
	}

	String text() {
		return this.text.toString();
	}

	/** The goals checked so far: goal, target, measured, and whether it was met. */
	List<String[]> goals() {
		return this.goals;
	}

	/** A row of a table. */
	static String cells(String... values) {
		return "| " + String.join(" | ", values) + " |";
	}

	static String ratio(double a, double b) {
		return (b > 0) ? String.format(Locale.ROOT, "%.2f ×", a / b) : "-";
	}

	static String pct(double value) {
		return String.format(Locale.ROOT, "%.2f %%", value);
	}

	static String ms(double value) {
		return (value >= 100) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
	}

	static String bytes(double value) {
		return String.format(Locale.ROOT, "%,.0f B", value);
	}

	static String signedBytes(double value) {
		return String.format(Locale.ROOT, "%+,.0f B", value);
	}

}
