package io.github.ssekit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code secure} profile, a plain Spring Security setup, on Tomcat and on
 * Jetty: every way a stream ends (the handler closes it, its source completes, the client
 * leaves, eviction of a client that reads nothing, its maximum lifetime, shutdown) is
 * quiet, with no WARN, no ERROR and no stack trace, and without the application
 * permitting async or error dispatches.
 *
 * @author ssekit
 */
@ExtendWith(OutputCaptureExtension.class)
class SecuredStreamsTests {

	static Stream<Class<?>> containers() {
		return Stream.of(Tomcat.class, Jetty.class);
	}

	@ParameterizedTest
	@MethodSource("containers")
	void everyWayAStreamEndsIsQuiet(Class<?> container, CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = secureSample(container);
		try {
			String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
			QuietStreamController quiet = context.getBean(QuietStreamController.class);
			HttpResponse<String> anonymous = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(base + "/test/quiet"))
					.header("Accept", "text/event-stream")
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(anonymous.statusCode()).as("anonymous: refused or sent to the login form").isIn(401, 302);
			try (SseTestClient closedByServer = login(base + "/test/quiet")) {
				closedByServer.awaitResponse();
				quiet.opened().poll(5, TimeUnit.SECONDS).close();
				closedByServer.awaitCompletion();
			}
			try (SseTestClient tokens = login(base + "/tokens?delay=0")) {
				tokens.awaitCompletion();
				assertThat(tokens.receivedEvents()).last().extracting((event) -> event.type()).isEqualTo("done");
			}
			SseTestClient leaving = login(base + "/test/quiet");
			leaving.awaitResponse();
			SseStream left = quiet.opened().poll(5, TimeUnit.SECONDS);
			leaving.close();
			awaitTrue(() -> !left.isOpen());
			int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
			try (RawHttpStream stalled = RawHttpStream.get(port, "/test/quiet",
					Map.of("Authorization", basicAuthorization()), Duration.ofSeconds(10))) {
				assertThat(stalled.statusLine()).startsWith("HTTP/1.1 200");
				SseStream evicted = quiet.opened().poll(5, TimeUnit.SECONDS);
				SseEvent large = SseEvent.of("x".repeat(64 * 1024));
				for (int i = 0; i < 4000 && evicted.isOpen(); i++) {
					try {
						evicted.publish(large);
					}
					catch (SseStreamClosedException ex) {
						break;
					}
				}
				assertThat(evicted.isOpen()).as("a stream whose client reads nothing is evicted").isFalse();
			}
			try (SseTestClient lifetime = login(base + "/test/quiet")) {
				lifetime.awaitResponse();
				SseStream expiring = quiet.opened().poll(5, TimeUnit.SECONDS);
				awaitTrue(() -> !expiring.isOpen());
				lifetime.awaitCompletion();
			}
			try (SseTestClient shutdown = login(base + "/test/quiet")) {
				shutdown.awaitResponse();
				context.close();
				shutdown.awaitCompletion();
			}
		}
		finally {
			context.close();
		}
		assertThat(output.getAll()).doesNotContain(" WARN ", " ERROR ", "Exception:", "\tat ");
	}

	@ParameterizedTest
	@MethodSource("containers")
	void aStreamThatEndsAfterItsSessionLoggedOutIsQuiet(Class<?> container, CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = secureSample(container)) {
			String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
			QuietStreamController quiet = context.getBean(QuietStreamController.class);
			FormLoginSession session = FormLoginSession.login(base, "ann");
			try (SseTestClient stream = SseTestClient.builder(base + "/test/quiet")
				.header("Cookie", session.cookieHeader())
				.timeout(Duration.ofSeconds(10))
				.connect()) {
				assertThat(stream.awaitResponse().statusCode()).isEqualTo(200);
				SseStream opened = quiet.opened().poll(5, TimeUnit.SECONDS);
				session.logout();
				if (opened.isOpen()) {
					opened.close();
				}
				stream.awaitCompletion();
			}
		}
		assertThat(output.getAll()).doesNotContain(" WARN ", " ERROR ", "Exception:", "\tat ");
	}

	private static ConfigurableApplicationContext secureSample(Class<?> container) {
		return new SpringApplicationBuilder(SampleApplication.class, container).web(WebApplicationType.SERVLET)
			.profiles("secure")
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.heartbeat.interval=200ms",
					"sse.stream.max-lifetime=3s")
			.run();
	}

	private static SseTestClient login(String url) {
		return SseTestClient.builder(url)
			.header("Authorization", basicAuthorization())
			.timeout(Duration.ofSeconds(10))
			.connect();
	}

	private static String basicAuthorization() {
		String credentials = "ann:" + SecurityConfiguration.DEMO_PASSWORD;
		return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
	}

	private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("condition met within 10 s").isNegative();
			Thread.sleep(20);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Tomcat {

		@Bean
		TomcatServletWebServerFactory tomcatServletWebServerFactory() {
			return new TomcatServletWebServerFactory();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Jetty {

		@Bean
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			return new JettyServletWebServerFactory();
		}

	}

}
