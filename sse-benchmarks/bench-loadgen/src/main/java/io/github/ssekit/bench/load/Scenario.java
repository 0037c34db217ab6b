package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One scenario of the benchmark: its sizes for a quick and a full run, how it runs, what
 * it measured, and its CSV file and section of {@code docs/benchmarks.md}. A new scenario
 * is one class listed in {@link Runner#scenarios(Harness)}.
 *
 * @author ssekit
 */
interface Scenario {

	/**
	 * The scenario's short name. One that runs {@linkplain #runAlone() alone} runs only
	 * if the run names no server or names it ({@code ./bench/run.sh quick vt}).
	 * @return the name
	 */
	String name();

	/**
	 * Spring Boot arguments the scenario needs on every server under test, which is
	 * started once for all scenarios.
	 * @return the arguments, none by default
	 */
	default List<String> serverArguments() {
		return List.of();
	}

	/**
	 * Return whether the scenario runs on the given server.
	 * @param spec the server
	 * @return {@code true} unless the server is
	 * {@linkplain ServerSpec#tunedForMemoryOnly() tuned for memory alone}
	 */
	default boolean runsOn(ServerSpec spec) {
		return !spec.tunedForMemoryOnly();
	}

	/**
	 * Run on a server under test, after the scenarios listed before this one; failures
	 * are recorded through {@link Harness#guarded}. Does nothing by default.
	 * @param spec the server
	 * @param server its running JVM
	 * @throws Exception on failure outside a guarded step
	 */
	default void runOn(ServerSpec spec, Procs.Server server) throws Exception {
	}

	/**
	 * Run on its own, with JVMs of its own, after every server's scenarios. Does nothing
	 * by default.
	 */
	default void runAlone() {
	}

	/**
	 * Add what the scenario measured to the CSV files.
	 * @param csv the CSV files of the run
	 */
	void writeCsv(CsvFiles csv);

	/**
	 * Draw the scenario's charts. Draws none by default.
	 * @param dir the folder of the CSV files and charts
	 * @throws IOException if a chart cannot be written
	 */
	default void drawCharts(Path dir) throws IOException {
	}

	/**
	 * Write the scenario's section of the report, and the goals it checks.
	 * @param md the report
	 */
	void writeSection(Markdown md);

}
