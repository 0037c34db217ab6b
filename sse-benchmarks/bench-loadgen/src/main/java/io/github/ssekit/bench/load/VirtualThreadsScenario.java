package io.github.ssekit.bench.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.ssekit.bench.load.Markdown.cells;

/**
 * Virtual threads: ssekit on Tomcat under JDK 25 with virtual threads through the
 * broadcast scenario, with the {@code jdk.VirtualThreadPinned} events JFR recorded from
 * JVM start.
 *
 * @author ssekit
 */
final class VirtualThreadsScenario implements Scenario {

	private static final Pattern START_TIME = Pattern
		.compile("startTime = (\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) \\((\\d{4}-\\d{2}-\\d{2})\\)");

	private final Harness harness;

	private final BroadcastScenario broadcast;

	/** Pinning events from JVM start; -1 if not measured. */
	int pinnedEvents = -1;

	/** Of them, the ones outside class loading; -1 if not measured. */
	int pinnedInLibrary = -1;

	/**
	 * Pinning events after the broadcast's warm-up, during its measured steps; -1 if not
	 * known.
	 */
	int pinnedSteady = -1;

	/** Events by site (first non-JDK frame) and reason. */
	final Map<String, Integer> pinnedSites = new LinkedHashMap<>();

	VirtualThreadsScenario(Harness harness, BroadcastScenario broadcast) {
		this.harness = harness;
		this.broadcast = broadcast;
	}

	@Override
	public String name() {
		return "vt";
	}

	@Override
	public void runAlone() {
		if (!Files.isExecutable(Path.of(this.harness.java25))) {
			Harness.log("JDK 25 not found at " + this.harness.java25 + ": virtual-thread scenario skipped");
			return;
		}
		this.harness.guarded("virtual threads", this::run);
	}

	private void run() throws Exception {
		ServerSpec spec = ServerSpec.all().get(1);
		Path recording = this.harness.work.resolve("vt-pinned.jfr");
		Files.deleteIfExists(recording);
		List<String> jvm = List.of("-XX:StartFlightRecording:filename=" + recording
				+ ",settings=default,jdk.VirtualThreadPinned#enabled=true,jdk.VirtualThreadPinned#threshold=0ms");
		try (Procs.Server server = this.harness.startServer(spec, this.harness.java25, jvm,
				List.of("--spring.threads.virtual.enabled=true"))) {
			this.broadcast.run(spec, "JDK 25 virtual threads", server, this.broadcast.firstClientCount());
		}
		String jfr = Path.of(this.harness.java25).getParent().resolve("jfr").toString();
		Process print = new ProcessBuilder(jfr, "print", "--stack-depth", "40", "--events", "jdk.VirtualThreadPinned",
				recording.toString())
			.redirectErrorStream(true)
			.start();
		String text = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		print.waitFor();
		Files.writeString(this.harness.work.resolve("vt-pinned.txt"), text);
		count(text, this.broadcast.measuredFrom());
	}

	/**
	 * Count the events of {@code jfr print}'s text: in all, outside class loading, after
	 * the warm-up, by site.
	 */
	private void count(String text, Instant measuredFrom) {
		int count = 0;
		int library = 0;
		int steady = 0;
		Map<String, Integer> sites = new LinkedHashMap<>();
		for (String event : text.split("jdk\\.VirtualThreadPinned \\{")) {
			if (!event.contains("stackTrace")) {
				continue;
			}
			count++;
			Instant time = eventTime(event);
			if (measuredFrom != null && time != null && !time.isBefore(measuredFrom)) {
				steady++;
			}
			boolean classLoading = event.contains("ClassLoader.loadClass");
			if (!classLoading) {
				library++;
			}
			String site = firstApplicationFrame(event);
			String reason = event.replaceAll("(?s).*pinnedReason = \"([^\"]*)\".*", "$1");
			sites.merge(((site != null) ? site : "JDK only") + " (" + reason
					+ (classLoading ? ", while loading a class" : "") + ")", 1, Integer::sum);
		}
		this.pinnedEvents = count;
		this.pinnedSteady = (measuredFrom != null) ? steady : -1;
		this.pinnedInLibrary = library;
		this.pinnedSites.putAll(sites);
		Harness.log("virtual threads: " + count + " jdk.VirtualThreadPinned events, " + library
				+ " outside class loading, " + steady + " during the measured steps: " + sites);
	}

	/**
	 * The first frame of an event's stack trace outside the JDK, without its line, or
	 * {@code null}.
	 */
	private static String firstApplicationFrame(String event) {
		for (String frame : event.split("\n")) {
			String trimmed = frame.trim();
			if (trimmed.contains("line:") && !trimmed.startsWith("java.") && !trimmed.startsWith("jdk.")
					&& !trimmed.startsWith("sun.")) {
				return trimmed.replaceAll("\\(.*", "");
			}
		}
		return null;
	}

	/**
	 * The start time of an event as {@code jfr print} shows it, e.g.
	 * {@code startTime = 12:01:02.345 (2026-12-02)}.
	 */
	private static Instant eventTime(String event) {
		Matcher matcher = START_TIME.matcher(event);
		if (!matcher.find()) {
			return null;
		}
		LocalDateTime local = LocalDateTime.parse(matcher.group(2) + "T" + matcher.group(1));
		return local.atZone(ZoneId.systemDefault()).toInstant();
	}

	@Override
	public void writeCsv(CsvFiles csv) {
		csv.file("virtual-threads.csv", "pinned_events,pinned_outside_class_loading,pinned_during_measured_steps")
			.add(this.pinnedEvents + "," + this.pinnedInLibrary + "," + this.pinnedSteady);
	}

	@Override
	public void writeSection(Markdown md) {
		md.line("## Virtual threads (JDK 25)");
		md.line("");
		if (this.pinnedEvents < 0) {
			md.line("Not run (JDK 25 missing or the run failed).");
			md.line("");
			md.goal("Virtual threads: zero pinning events", "0", "not measured", false);
			return;
		}
		md.line("ssekit on Tomcat under JDK 25 with `spring.threads.virtual.enabled=true`, recorded with JFR from JVM "
				+ "start (`jdk.VirtualThreadPinned`, threshold 0 ms) through the broadcast scenario ("
				+ this.broadcast.firstClientCount() + " clients, stepped rate): **" + this.pinnedEvents
				+ "** pinning events from JVM start, **" + this.pinnedInLibrary + "** of them outside class "
				+ "loading, and **" + this.pinnedSteady + "** during the measured steps, after the warm-up. "
				+ "A virtual thread that loads or initialises a class for the first time runs native frames or "
				+ "waits on the class's initialisation lock and cannot unmount (a JDK limitation, once per class, not "
				+ "a library lock), so such events come with the first requests. Its broadcast figures appear in the "
				+ "broadcast table and chart as \"ssekit (Tomcat), JDK 25 virtual threads\". Where the pinned threads "
				+ "were (first non-JDK frame, and JFR's reason):");
		md.line("");
		md.line("| Site | Reason | Events |");
		md.line("|---|---|---|");
		this.pinnedSites.forEach((site, count) -> {
			int paren = site.indexOf(" (");
			md.line(cells("`" + site.substring(0, paren) + "`", site.substring(paren + 2, site.length() - 1),
					String.valueOf(count)));
		});
		md.line("");
		md.goal("Virtual threads: zero pinning events during the measured broadcast", "0",
				(this.pinnedSteady >= 0) ? String.valueOf(this.pinnedSteady) : "not known", this.pinnedSteady == 0);
		md.goal("Virtual threads: zero pinning events from JVM start", "0",
				this.pinnedEvents + " in total, " + this.pinnedInLibrary + " outside first-use class loading",
				this.pinnedEvents == 0);
	}

}
