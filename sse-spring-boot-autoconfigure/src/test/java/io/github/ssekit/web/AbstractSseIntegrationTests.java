package io.github.ssekit.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import io.github.ssekit.web.SseTestApplication.Probe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Behaviour of streams over a real socket, run once per servlet container by the
 * subclasses.
 *
 * @author ssekit
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractSseIntegrationTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Return the configuration that selects the servlet container.
	 * @return a configuration class defining the web server factory
	 */
	abstract Class<?> containerConfiguration();

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void headersAreFlushedBeforeAnyEvent() throws Exception {
		int port = port(start());
		try (RawHttpConnection connection = RawHttpConnection.get(port, "/quiet").readHead()) {
			assertThat(connection.statusLine()).startsWith("HTTP/1.1 200");
			assertThat(connection.headers()).containsEntry("content-type", "text/event-stream")
				.containsEntry("cache-control", "no-cache")
				.containsEntry("x-accel-buffering", "no")
				.containsEntry("transfer-encoding", "chunked")
				.doesNotContainKey("content-length")
				.doesNotContainKey("content-encoding");
		}
	}

	@Test
	void eventsPublishedBeforeReturnArriveInOrderThenLiveEvents() throws Exception {
		ConfigurableApplicationContext context = start();
		try (SseTestClient sse = SseTestClient.connect(url(context, "/events"))) {
			sse.nextEvent().hasType("message").hasData("one").hasId("1");
			sse.nextEvent().hasType("named").hasData("two").hasId("2");
			sse.nextEvent().hasType("message").hasData("three\nlines\nhere").hasId("3");
			SseStream stream = probe(context).streams.poll(5, TimeUnit.SECONDS);
			stream.publish(SseEvent.of("live", "four"));
			sse.nextEvent().hasType("live").hasData("four").hasId("3");
		}
	}

	@Test
	void producerStreamEndsWhenProducerReturns() throws Exception {
		try (SseTestClient sse = SseTestClient.connect(url(start(), "/finite"))) {
			assertThat(sse.awaitEvents(3)).extracting(SseMessage::data).containsExactly("n1", "n2", "n3");
			sse.awaitCompletion();
		}
	}

	@Test
	void customStatusAndCacheControlAreKept() throws Exception {
		try (EventStreamConnection connection = EventStreamConnection.open(port(start()), "/custom-headers")) {
			assertThat(connection.response().statusCode()).isEqualTo(202);
			assertThat(connection.response().headers().firstValue("Cache-Control")).hasValue("private, max-age=0");
			assertThat(connection.nextEvent().data()).isEqualTo("world");
		}
	}

	@Test
	void headersFollowProperties() throws Exception {
		int port = port(start("sse.headers.x-accel-buffering=false", "sse.headers.cache-control=no-store",
				"sse.headers.extra.X-Stream=yes"));
		try (RawHttpConnection connection = RawHttpConnection.get(port, "/quiet").readHead()) {
			assertThat(connection.headers()).containsEntry("cache-control", "no-store")
				.containsEntry("x-stream", "yes")
				.doesNotContainKey("x-accel-buffering");
		}
	}

	@Test
	void retryIsSentFirstWhenConfigured() throws Exception {
		int port = port(start("sse.retry=1500ms"));
		try (RawHttpConnection connection = RawHttpConnection.get(port, "/quiet").readHead()) {
			assertThat(connection.readChunk()).isEqualTo("retry: 1500\n\n");
		}
	}

	@Test
	void objectDataIsSerialisedWithTheApplicationJsonMapper() throws Exception {
		int port = port(start("spring.jackson.property-naming-strategy=SNAKE_CASE"));
		try (SseTestClient sse = SseTestClient.connect("http://localhost:" + port + "/json")) {
			sse.nextEvent().hasType("point").hasData("{\"first_value\":1,\"second_value\":2}");
			sse.nextEvent().hasData("plain \"text\"");
			sse.nextEvent().hasType("message").hasData("{\"k\":\"v\"}").hasId("");
		}
	}

	@Test
	void invalidFieldIsRejectedNamingTheFieldAndStreamStaysUsable() throws Exception {
		ConfigurableApplicationContext context = start();
		try (EventStreamConnection connection = EventStreamConnection.open(port(context), "/invalid")) {
			assertThat(connection.nextEvent()).isEqualTo(new SseMessage("after", "still usable", ""));
			assertThat(connection.pollEvent(Duration.ofMillis(200))).isNull();
		}
		assertThat(probe(context).errors).satisfiesExactly((error) -> assertThat(error).contains("'id'"),
				(error) -> assertThat(error).contains("'event'"));
	}

	@Test
	void lastEventIdIsReadFromTheHeaderInEveryForm() throws Exception {
		int port = port(start());
		assertThat(echo(port, "/last-event-id/string", "abc")).isEqualTo("abc");
		assertThat(echo(port, "/last-event-id/string", null)).isEqualTo("null");
		assertThat(echo(port, "/last-event-id/optional", "x-1")).isEqualTo("present:x-1");
		assertThat(echo(port, "/last-event-id/optional", null)).isEqualTo("empty");
		assertThat(echo(port, "/last-event-id/long", "41")).isEqualTo("42");
		assertThat(echo(port, "/last-event-id/long", null)).isEqualTo("1");
		assertThat(echo(port, "/last-event-id/boxed", "7")).isEqualTo("7");
		assertThat(echo(port, "/last-event-id/boxed", null)).isEqualTo("null");
	}

	@Test
	void lastEventIdFallsBackToTheConfiguredQueryParameter() throws Exception {
		int port = port(start("sse.last-event-id.query-parameter=lastEventId"));
		assertThat(echo(port, "/last-event-id/string?lastEventId=q-9", null)).isEqualTo("q-9");
		assertThat(echo(port, "/last-event-id/string?lastEventId=q-9", "h-1")).isEqualTo("h-1");
		assertThat(echo(port, "/last-event-id/long?lastEventId=9", null)).isEqualTo("10");
	}

	@Test
	void queryParameterIsIgnoredWhenNotConfigured() throws Exception {
		int port = port(start());
		assertThat(echo(port, "/last-event-id/string?lastEventId=q-9", null)).isEqualTo("null");
	}

	@Test
	void nonNumericLastEventIdForNumericParameterIsBadRequest() throws Exception {
		int port = port(start());
		HttpResponse<String> response = EventStreamConnection.get(port, "/last-event-id/long",
				Map.of("Last-Event-ID", "12abc"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("\"status\":400").contains("must be a number").doesNotContain("12abc");
	}

	@Test
	void problemDetailIsWrittenBySpringMvcsJsonConverterWithTheApplicationsJacksonSettings() throws Exception {
		int port = port(start("spring.jackson.serialization.indent-output=true"));
		HttpResponse<String> response = EventStreamConnection.get(port, "/last-event-id/long",
				Map.of("Last-Event-ID", "12abc"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).as("indented by spring.jackson.*")
			.contains("\n  \"status\" : 400")
			.contains("\"instance\" : \"/last-event-id/long\"");
	}

	@Test
	void oversizedLastEventIdIsBadRequestWithoutEchoOrLog(CapturedOutput output) throws Exception {
		int port = port(start("sse.last-event-id.max-length=16"));
		String secret = "S3CRET-" + "x".repeat(20);
		HttpResponse<String> response = EventStreamConnection.get(port, "/last-event-id/string",
				Map.of("Last-Event-ID", secret));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("\"title\":\"Invalid Last-Event-ID\"")
			.contains("longer than 16")
			.doesNotContain("S3CRET");
		assertThat(output).doesNotContain("S3CRET");
		assertThat(echo(port, "/last-event-id/string", "x".repeat(16))).isEqualTo("x".repeat(16));
	}

	@Test
	void heartbeatIsSentToIdleStream() throws Exception {
		int port = port(start("sse.heartbeat.interval=200ms"));
		try (RawHttpConnection connection = RawHttpConnection.get(port, "/quiet").readHead()) {
			long start = System.nanoTime();
			assertThat(connection.readChunk()).isEqualTo(":\n\n");
			assertThat(connection.readChunk()).isEqualTo(":\n\n");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		}
	}

	@Test
	void busyStreamGetsNoHeartbeat() throws Exception {
		int port = port(start("sse.heartbeat.interval=300ms"));
		try (EventStreamConnection connection = EventStreamConnection.open(port, "/producer")) {
			for (int i = 0; i < 40; i++) {
				assertThat(connection.nextEvent().type()).isEqualTo("tick");
			}
			assertThat(connection.nextComment(Duration.ZERO)).isNull();
		}
	}

	@Test
	void heartbeatZeroDisablesHeartbeats() throws Exception {
		int port = port(start("sse.heartbeat.interval=0"));
		try (EventStreamConnection connection = EventStreamConnection.open(port, "/quiet")) {
			assertThat(connection.nextComment(Duration.ofMillis(800))).isNull();
		}
	}

	@Test
	void clientDisconnectClosesStreamWithinTwoHeartbeats(CapturedOutput output) throws Exception {
		Duration interval = Duration.ofMillis(300);
		ConfigurableApplicationContext context = start("sse.heartbeat.interval=" + interval.toMillis() + "ms");
		Probe probe = probe(context);
		RawHttpConnection connection = RawHttpConnection.get(port(context), "/quiet").readHead();
		SseStream stream = probe.streams.poll(5, TimeUnit.SECONDS);
		assertThat(stream.isOpen()).isTrue();
		long start = System.nanoTime();
		connection.abort();
		assertThat(probe.closed.await(10, TimeUnit.SECONDS)).isTrue();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out
			.println("onClose after disconnect: " + took.toMillis() + " ms (heartbeat " + interval.toMillis() + " ms)");
		assertThat(took).isLessThanOrEqualTo(interval.multipliedBy(2).plus(interval.dividedBy(4)).plusMillis(400));
		assertThat(stream.isOpen()).isFalse();
		assertThatExceptionOfType(io.github.ssekit.SseStreamClosedException.class)
			.isThrownBy(() -> stream.publish(SseEvent.of("late")));
		Thread.sleep(200);
		assertThat(probe.closeCallbacks).hasValue(1);
		assertNoDisconnectNoise(output);
	}

	@Test
	void clientDisconnectStopsProducerQuietly(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = start("sse.heartbeat.interval=200ms");
		EventStreamConnection connection = EventStreamConnection.open(port(context), "/producer");
		connection.nextEvent();
		connection.close();
		assertThat(probe(context).producerStopped.await(5, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(300);
		assertNoDisconnectNoise(output);
	}

	@Test
	void clientDisconnectInterruptsBlockedProducer() throws Exception {
		ConfigurableApplicationContext context = start("sse.heartbeat.interval=200ms");
		RawHttpConnection connection = RawHttpConnection.get(port(context), "/blocking-producer").readHead();
		connection.readChunk();
		connection.abort();
		assertThat(probe(context).producerStopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void producerFailureIsLoggedOnceAndConnectionEndsCleanly(CapturedOutput output) throws Exception {
		try (EventStreamConnection connection = EventStreamConnection.open(port(start()), "/throwing")) {
			assertThat(connection.nextEvent().data()).isEqualTo("failure");
			assertThat(connection.awaitEnd(Duration.ofSeconds(5))).isTrue();
		}
		Thread.sleep(200);
		assertThat(output.toString().split("SSE producer failed", -1)).hasSize(2);
		assertThat(output.toString().split("producer boom", -1)).hasSize(2);
		assertThat(output).contains("at io.github.ssekit.web.SseTestApplication$TestController");
	}

	@Test
	void asyncRequestTimeoutNeverClosesStream() throws Exception {
		ConfigurableApplicationContext context = start("spring.mvc.async.request-timeout=200ms",
				"sse.heartbeat.interval=0");
		try (EventStreamConnection connection = EventStreamConnection.open(port(context), "/quiet")) {
			SseStream stream = probe(context).streams.poll(5, TimeUnit.SECONDS);
			assertThat(connection.awaitEnd(Duration.ofMillis(1200))).isFalse();
			assertThat(stream.isOpen()).isTrue();
			stream.publish(SseEvent.of("still here"));
			assertThat(connection.nextEvent().data()).isEqualTo("still here");
		}
	}

	@Test
	void maximumLifetimeClosesStream() throws Exception {
		ConfigurableApplicationContext context = start("sse.stream.max-lifetime=400ms");
		try (EventStreamConnection connection = EventStreamConnection.open(port(context), "/quiet")) {
			long start = System.nanoTime();
			assertThat(connection.awaitEnd(Duration.ofSeconds(5))).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			assertThat(probe(context).closed.getCount()).isZero();
		}
	}

	@Test
	void compressionIsNeverApplied() throws Exception {
		int port = port(
				start("server.compression.enabled=true", "server.compression.mime-types=text/event-stream,text/plain",
						"server.compression.min-response-size=1", "sse.retry=1s"));
		try (RawHttpConnection connection = RawHttpConnection.get(port, "/quiet", "Accept-Encoding: gzip").readHead()) {
			assertThat(connection.headers()).doesNotContainKey("content-encoding");
			assertThat(connection.readChunk()).isEqualTo("retry: 1000\n\n");
		}
	}

	@Test
	void gracefulShutdownClosesStreamsPromptly() throws Exception {
		ConfigurableApplicationContext context = start(false, "server.shutdown=graceful",
				"spring.lifecycle.timeout-per-shutdown-phase=30s", "sse.shutdown.event=shutdown",
				"sse.shutdown.data=bye");
		int port = port(context);
		List<EventStreamConnection> connections = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			connections.add(EventStreamConnection.open(port, "/quiet"));
		}
		connections.add(EventStreamConnection.open(port, "/producer"));
		connections.get(3).nextEvent();
		long start = System.nanoTime();
		context.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.println("shutdown with 4 open streams took " + took.toMillis() + " ms");
		assertThat(took).isLessThan(Duration.ofSeconds(5));
		for (EventStreamConnection connection : connections) {
			SseMessage last = null;
			SseMessage event;
			while ((event = connection.pollEvent(Duration.ofSeconds(2))) != null) {
				last = event;
			}
			assertThat(last).isEqualTo(new SseMessage("shutdown", "bye", ""));
			assertThat(connection.awaitEnd(Duration.ofSeconds(5))).isTrue();
			connection.close();
		}
	}

	private static void assertNoDisconnectNoise(CapturedOutput output) {
		assertThat(output).doesNotContain("Broken pipe")
			.doesNotContain("AsyncRequestNotUsableException")
			.doesNotContain("Connection reset")
			.doesNotContain(" ERROR ")
			.doesNotContain(" WARN ");
	}

	private String echo(int port, String path, String lastEventId) throws Exception {
		Map<String, String> headers = (lastEventId != null) ? Map.of("Last-Event-ID", lastEventId) : Map.of();
		try (EventStreamConnection connection = EventStreamConnection.open(port, path, headers)) {
			assertThat(connection.response().statusCode()).isEqualTo(200);
			SseMessage event = connection.nextEvent();
			assertThat(event.type()).isEqualTo("echo");
			return event.data();
		}
	}

	ConfigurableApplicationContext start(String... properties) {
		return start(true, properties);
	}

	ConfigurableApplicationContext start(boolean register, String... properties) {
		ConfigurableApplicationContext context = TestServers.run(SseTestApplication.class, containerConfiguration(),
				properties);
		if (register) {
			this.contexts.add(context);
		}
		return context;
	}

	static String url(ConfigurableApplicationContext context, String path) {
		return "http://localhost:" + port(context) + path;
	}

	static int port(ConfigurableApplicationContext context) {
		return TestServers.port(context);
	}

	static Probe probe(ConfigurableApplicationContext context) {
		return context.getBean(Probe.class);
	}

}
