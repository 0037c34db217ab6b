package io.github.ssekit.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SseTestClient} against the JDK's HTTP server.
 */
class SseTestClientTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<String> requestBodies = new CopyOnWriteArrayList<>();

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private HttpServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/prices", (exchange) -> stream(exchange,
				"id: 1\nevent: price\ndata: 42\n\n: heartbeat\n\ndata: 43\n\ndata: 44\n\n", true));
		this.server.createContext("/finite", (exchange) -> stream(exchange, "data: only\n\n", false));
		this.server.createContext("/silent", (exchange) -> stream(exchange, "", true));
		this.server.createContext("/echo", (exchange) -> {
			this.requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			stream(exchange,
					"data: " + exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("X-Token")
							+ " " + exchange.getRequestHeaders().getFirst("Last-Event-ID") + "\n\n",
					false);
		});
		this.server.createContext("/missing", (exchange) -> {
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() throws InterruptedException {
		this.release.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void nextEventAssertsTypeDataAndId() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			sse.nextEvent().hasType("price").hasData("42").hasId("1");
			sse.nextEvent().hasType("message").hasDataContaining("4").hasId("1");
			assertThat(sse.comments()).containsExactly(" heartbeat");
		}
	}

	@Test
	void failedEventAssertionNamesExpectedAndActual() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			SseMessageAssert event = sse.nextEvent();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> event.hasData("41"))
				.withMessageContaining("data <41> but was <42>");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> event.hasType("message"))
				.withMessageContaining("type <message> but was <price>");
		}
	}

	@Test
	void awaitEventsTakesTheNextEventsInOrder() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			sse.nextEvent();
			assertThat(sse.awaitEvents(2)).extracting(SseMessage::data).containsExactly("43", "44");
			assertThat(sse.receivedEvents()).hasSize(3);
			sse.assertNoEvent(Duration.ofMillis(100));
		}
	}

	@Test
	void nextEventFailsAtTheDeadlineWithWhatWasSeen() {
		try (SseTestClient sse = SseTestClient.connect(url("/silent"))) {
			assertThat(sse.statusCode()).isEqualTo(200);
			long start = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> sse.nextEvent(Duration.ofMillis(150)))
				.withMessageContaining("Expected an event within 150 ms")
				.withMessageContaining("status 200");
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(140).toNanos());
		}
	}

	@Test
	void awaitEventsFailsWhenTooFewArrive() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> sse.awaitEvents(4, Duration.ofMillis(200)))
				.withMessageContaining("Expected 4 events")
				.withMessageContaining("received 3 more event(s)");
		}
	}

	@Test
	void assertNoEventFailsWhenAnEventArrives() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> sse.assertNoEvent(Duration.ofSeconds(2)))
				.withMessageContaining("Expected no event")
				.withMessageContaining("data=42");
		}
	}

	@Test
	void responseStatusAndHeadersAreAvailable() {
		try (SseTestClient sse = SseTestClient.connect(url("/prices"))) {
			assertThat(sse.statusCode()).isEqualTo(200);
			assertThat(sse.headers().firstValue("X-Stream")).hasValue("prices");
			assertThat(sse.awaitResponse().contentType())
				.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("text/event-stream"));
		}
	}

	@Test
	void rejectedResponseIsAvailableAndEndsTheStream() {
		try (SseTestClient sse = SseTestClient.connect(url("/missing"))) {
			assertThat(sse.statusCode()).isEqualTo(404);
			sse.awaitCompletion();
			assertThat(sse.errors()).singleElement().isInstanceOf(SseResponseException.class);
		}
	}

	@Test
	void completionIsAwaitedWhenTheServerEndsTheStream() {
		try (SseTestClient sse = SseTestClient.connect(url("/finite"))) {
			sse.nextEvent().hasData("only");
			sse.awaitCompletion().assertNoEvent(Duration.ofMillis(50));
		}
	}

	@Test
	void deadlineOfTheBuilderApplies() {
		try (SseTestClient sse = SseTestClient.builder(url("/silent")).timeout(Duration.ofMillis(100)).connect()) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(sse::nextEvent)
				.withMessageContaining("Expected an event within 100 ms");
		}
	}

	@Test
	void awaitCompletionFailsWhileTheStreamIsOpen() {
		try (SseTestClient sse = SseTestClient.builder(url("/silent")).timeout(Duration.ofMillis(100)).connect()) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(sse::awaitCompletion)
				.withMessageContaining("the end of the stream");
		}
	}

	@Test
	void postBodyHeadersAndLastEventIdAreSent() {
		try (SseTestClient sse = SseTestClient.builder(url("/echo"))
			.postJson("{\"prompt\":\"hi\"}")
			.header("X-Token", "t1")
			.lastEventId("9")
			.connect()) {
			sse.nextEvent().hasData("POST t1 9");
		}
		assertThat(this.requestBodies).containsExactly("{\"prompt\":\"hi\"}");
	}

	@Test
	void builderConnectsOnce() {
		SseTestClient.Builder builder = SseTestClient.builder(url("/finite"));
		try (SseTestClient sse = builder.connect()) {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(builder::connect);
			sse.nextEvent().hasData("only");
		}
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	private void stream(HttpExchange exchange, String body, boolean hold) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", "text/event-stream;charset=UTF-8");
		exchange.getResponseHeaders().add("X-Stream", exchange.getHttpContext().getPath().substring(1));
		exchange.sendResponseHeaders(200, 0);
		OutputStream out = exchange.getResponseBody();
		out.write(body.getBytes(StandardCharsets.UTF_8));
		out.flush();
		if (hold) {
			awaitRelease();
		}
		exchange.close();
	}

	private void awaitRelease() {
		try {
			this.release.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
