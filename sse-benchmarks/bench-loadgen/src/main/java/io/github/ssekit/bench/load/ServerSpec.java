package io.github.ssekit.bench.load;

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
 * @author ssekit
 */
record ServerSpec(String name, String label, String classpath, String mainClass, List<String> arguments,
		String heartbeatThread) {

	static final String SERVLET = "io.github.ssekit.bench.servlet.BenchServletApplication";

	/** The server the goals of issue 7 are about, and the others are compared with. */
	static final String REFERENCE = "ssekit-tomcat";

	static List<ServerSpec> all() {
		return List.of(
				new ServerSpec("raw", "raw servlet (Tomcat)", "tomcat", SERVLET,
						List.of("--bench.server=raw", "--sse.enabled=false"), "bench-heartbeat"),
				new ServerSpec("ssekit-tomcat", "ssekit (Tomcat)", "tomcat", SERVLET, List.of("--bench.server=ssekit"),
						"sse-heartbeat"),
				new ServerSpec("ssekit-jetty", "ssekit (Jetty)", "jetty", SERVLET, List.of("--bench.server=ssekit"),
						"sse-heartbeat"),
				new ServerSpec("emitter", "SseEmitter (Tomcat)", "tomcat", SERVLET,
						List.of("--bench.server=emitter", "--sse.enabled=false"), "bench-heartbeat"),
				new ServerSpec("webflux", "WebFlux (Reactor Netty)", "webflux",
						"io.github.ssekit.bench.webflux.BenchWebFluxApplication", List.of(), null));
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
