package io.github.ssekit.bench.servlet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The servlet servers under test, one per JVM: {@code bench.server=ssekit} (on Tomcat or
 * Jetty, whichever is on the classpath), {@code emitter} (Spring MVC {@code SseEmitter})
 * or {@code raw} (a servlet async write loop).
 */
@SpringBootApplication
public class BenchServletApplication {

	/**
	 * Start the server.
	 * @param args Spring Boot arguments, e.g.
	 * {@code --bench.server=ssekit --server.port=8081}
	 */
	public static void main(String[] args) {
		SpringApplication.run(BenchServletApplication.class, args);
	}

}
