package io.github.ssekit.bench.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The WebFlux server under test: Reactor Netty, a multicast sink and
 * {@code ServerSentEvent}.
 */
@SpringBootApplication
public class BenchWebFluxApplication {

	/**
	 * Start the server.
	 * @param args Spring Boot arguments, e.g. {@code --server.port=8085}
	 */
	public static void main(String[] args) {
		SpringApplication.run(BenchWebFluxApplication.class, args);
	}

}
