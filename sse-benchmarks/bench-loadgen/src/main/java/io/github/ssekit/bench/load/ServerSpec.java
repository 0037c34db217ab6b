package io.github.ssekit.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server under test.
 *
 * @param name short name
 * @param label name in the report
 * @param classpath which classpath: {@code tomcat}, {@code jetty} or {@code webflux}
 * @param mainClass the application class
 * @param arguments Spring Boot arguments selecting it
 * @param heartbeatThread name of the thread that sends heartbeats, or {@code null} if
 * they are spread over shared threads
 * @param root the checkout whose build the server runs, or {@code null} for this one
 * @author ssekit
 */
record ServerSpec(String name, String label, String classpath, String mainClass, List<String> arguments,
		String heartbeatThread, Path root) {

	static final String SERVLET = "io.github.ssekit.bench.servlet.BenchServletApplication";

	/** The server the goals are about, and the others are compared with. */
	static final String REFERENCE = "ssekit-tomcat";

	/**
	 * ssekit on Tomcat with {@code sse.tomcat.*} set to 1 KB: it changes only what an
	 * idle connection holds, so only the idle scenario runs on it.
	 */
	static final String TOMCAT_TUNED = "ssekit-tomcat-tuned";

	/**
	 * System property naming another checkout of the project, built with
	 * {@code -Pbench package} (as {@code ./bench/run.sh} does), whose ssekit server runs
	 * as {@code ssekit-baseline}, on Tomcat, beside this build's: a before and after in
	 * one run.
	 */
	static final String BASELINE = "bench.baseline";

	/**
	 * System property that, when {@code true}, adds the server {@code ssekit-multi}:
	 * ssekit on Tomcat with every subscriber on three channels (the broadcast channel,
	 * one of its own and a room), whose events each carry the subscriber's cursor as
	 * their id.
	 */
	static final String MULTI_CHANNEL = "bench.multi-channel";

	ServerSpec(String name, String label, String classpath, String mainClass, List<String> arguments,
			String heartbeatThread) {
		this(name, label, classpath, mainClass, arguments, heartbeatThread, null);
	}

	static List<ServerSpec> all() {
		List<ServerSpec> all = new ArrayList<>(servers());
		String baseline = System.getProperty(BASELINE);
		if (baseline != null && !baseline.isBlank()) {
			all.add(new ServerSpec("ssekit-baseline", "ssekit (Tomcat), baseline build", "tomcat", SERVLET,
					List.of("--bench.server=ssekit"), "sse-heartbeat", Path.of(baseline).toAbsolutePath()));
		}
		if (Boolean.getBoolean(MULTI_CHANNEL)) {
			all.add(new ServerSpec("ssekit-multi", "ssekit (Tomcat), subscribers on three channels", "tomcat", SERVLET,
					List.of("--bench.server=ssekit", "--bench.subscription=multi"), "sse-heartbeat"));
		}
		return all;
	}

	private static List<ServerSpec> servers() {
		return List.of(
				new ServerSpec("raw", "raw servlet (Tomcat)", "tomcat", SERVLET,
						List.of("--bench.server=raw", "--sse.enabled=false"), "bench-heartbeat"),
				new ServerSpec("ssekit-tomcat", "ssekit (Tomcat)", "tomcat", SERVLET, List.of("--bench.server=ssekit"),
						"sse-heartbeat"),
				new ServerSpec(TOMCAT_TUNED, "ssekit (Tomcat, sse.tomcat.* at 1KB)", "tomcat", SERVLET,
						List.of("--bench.server=ssekit", "--sse.tomcat.socket-read-buffer-size=1KB",
								"--sse.tomcat.socket-write-buffer-size=1KB", "--sse.tomcat.max-trailer-size=1KB"),
						"sse-heartbeat"),
				new ServerSpec("ssekit-jetty", "ssekit (Jetty)", "jetty", SERVLET, List.of("--bench.server=ssekit"),
						"sse-heartbeat"),
				new ServerSpec("emitter", "SseEmitter (Tomcat)", "tomcat", SERVLET,
						List.of("--bench.server=emitter", "--sse.enabled=false"), "bench-heartbeat"),
				new ServerSpec("webflux", "WebFlux (Reactor Netty)", "webflux",
						"io.github.ssekit.bench.webflux.BenchWebFluxApplication", List.of(), null));
	}

	/**
	 * Return whether only the scenarios about what an idle connection holds run on this
	 * server.
	 * @return whether it is tuned for memory alone
	 */
	boolean tunedForMemoryOnly() {
		return this.name.equals(TOMCAT_TUNED);
	}

	static String label(String name) {
		for (ServerSpec spec : all()) {
			if (spec.name().equals(name)) {
				return spec.label();
			}
		}
		return name;
	}

}
