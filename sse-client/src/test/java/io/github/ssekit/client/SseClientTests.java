package io.github.ssekit.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.client.TestSseServer.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SseClient} against a real socket.
 */
class SseClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final List<SseMessage> events = new CopyOnWriteArrayList<>();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private final List<SseResponse> opened = new CopyOnWriteArrayList<>();

	private final AtomicInteger closedCalls = new AtomicInteger();

	private TestSseServer server;

	private SseClient client;

	@AfterEach
	void stop() throws IOException {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void eventsAreDeliveredAndLastEventIdIsSentOnReconnect() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 50\nid: 7\nevent: greeting\ndata: a\n\n");
			}
			else {
				exchange.eventStream().write("data: b\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder());
		awaitEvents(2);
		assertThat(this.events).containsExactly(new SseMessage("greeting", "a", "7"),
				new SseMessage("message", "b", "7"));
		assertThat(this.server.exchanges()).extracting((exchange) -> exchange.header("Last-Event-ID"))
			.containsExactly(null, "7");
		assertThat(this.client.lastEventId()).isEqualTo("7");
		assertThat(this.errors).isEmpty();
	}

	@Test
	void lastEventIdIsNotSentWhenTheIdWasReset() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 50\nid: 1\ndata: a\n\nid\ndata: b\n\n");
			}
			else {
				exchange.eventStream().holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder());
		this.server.awaitExchange(1);
		assertThat(this.server.exchanges())
			.allSatisfy((exchange) -> assertThat(exchange.header("Last-Event-ID")).isNull());
		assertThat(this.events).extracting(SseMessage::lastEventId).containsExactly("1", "");
	}

	@Test
	void lastEventIdFromTheBuilderIsSentOnTheFirstConnection() throws Exception {
		serve((exchange) -> exchange.eventStream().holdUntilClientCloses(TIMEOUT));
		start(builder().lastEventId("resume-42"));
		assertThat(this.server.awaitExchange(0).header("Last-Event-ID")).isEqualTo("resume-42");
	}

	@Test
	void nonAsciiLastEventIdIsNotSentBecauseHttpClientCannotEncodeIt() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 50\nid: \u2026\ndata: a\n\n");
			}
			else {
				exchange.eventStream().holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder());
		assertThat(this.server.awaitExchange(1).header("Last-Event-ID")).isNull();
		assertThat(this.client.lastEventId()).isEqualTo("\u2026");
	}

	@Test
	void requestCarriesTheEventStreamHeadersAndCustomHeaders() throws Exception {
		serve((exchange) -> exchange.eventStream().holdUntilClientCloses(TIMEOUT));
		start(builder().header("Authorization", "Bearer token").header("Accept", "application/json"));
		Exchange exchange = this.server.awaitExchange(0);
		assertThat(exchange.method).isEqualTo("GET");
		assertThat(exchange.header("Accept")).isEqualTo("text/event-stream");
		assertThat(exchange.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(exchange.header("Authorization")).isEqualTo("Bearer token");
	}

	@Test
	void partialEventIsDiscardedWhenTheConnectionDrops() throws Exception {
		CountDownLatch firstEvent = new CountDownLatch(1);
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 50\ndata: a\n\n");
				firstEvent.await(5, TimeUnit.SECONDS);
				exchange.write("event: x\ndata: partial\n").pause(50).abort();
			}
			else {
				exchange.eventStream().write("data: b\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder().onEvent((event) -> firstEvent.countDown()));
		awaitEvents(2);
		assertThat(this.events).containsExactly(SseMessage.of("a"), SseMessage.of("b"));
		assertThat(this.errors).singleElement().isInstanceOf(IOException.class);
	}

	@Test
	void partialEventIsDiscardedWhenTheStreamEndsNormally() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 50\ndata: a\n\ndata: partial");
			}
			else {
				exchange.eventStream().write("data: b\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder());
		awaitEvents(2);
		assertThat(this.events).containsExactly(SseMessage.of("a"), SseMessage.of("b"));
		assertThat(this.errors).isEmpty();
	}

	@Test
	void retryFromTheServerReplacesTheDefaultReconnectionDelay() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream().write("retry: 200\ndata: a\n\n");
			}
			else {
				exchange.eventStream().holdUntilClientCloses(TIMEOUT);
			}
		});
		start(SseClient.builder(this.server.uri("/events")).reconnectDelay(Duration.ofSeconds(3)));
		Exchange second = this.server.awaitExchange(1);
		assertThat(second.millisSince(this.server.exchanges().get(0))).isBetween(190L, 2000L);
		assertThat(this.client.reconnectionTime()).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void backoffGrowsOnConsecutiveFailuresAndResetsAfterAnEvent() throws Exception {
		serve((exchange) -> {
			exchange.eventStream().write("retry: 100\n\n");
			if (exchange.index == 4) {
				exchange.write("data: healthy\n\n");
			}
			if (exchange.index == 6) {
				exchange.holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder());
		this.server.awaitExchange(6);
		List<Long> delays = TestSseServer.reconnectionDelays(this.server.exchanges());
		assertThat(delays.get(0)).as("first reconnection").isGreaterThanOrEqualTo(98L);
		assertThat(delays.get(1)).as("second").isGreaterThanOrEqualTo(198L);
		assertThat(delays.get(2)).as("third").isGreaterThanOrEqualTo(398L);
		assertThat(delays.get(3)).as("fourth").isGreaterThanOrEqualTo(798L);
		assertThat(delays.get(4)).as("after an event").isBetween(98L, delays.get(3) / 2);
		assertThat(delays.get(5)).as("first failure after an event").isBetween(98L, delays.get(3) / 2);
	}

	@Test
	void backoffStopsAtTheMaximumReconnectDelay() throws Exception {
		serve((exchange) -> {
			exchange.eventStream().write("retry: 20\n\n");
			if (exchange.index == 7) {
				exchange.holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder().maxReconnectDelay(Duration.ofMillis(60)));
		this.server.awaitExchange(7);
		List<Long> delays = TestSseServer.reconnectionDelays(this.server.exchanges());
		List<Long> capped = delays.subList(2, 7);
		assertThat(capped).allSatisfy((delay) -> assertThat(delay).isGreaterThanOrEqualTo(58L));
		assertThat(capped.stream().mapToLong(Long::longValue).sum())
			.as("sum of %s (uncapped: 80 + ... + 1280 = 2480 ms)", capped)
			.isLessThan(1500L);
	}

	@Test
	void noContentStopsTheClientForGood() throws Exception {
		serve((exchange) -> exchange.respond(204));
		start(builder().reconnectDelay(Duration.ofMillis(20)));
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		Thread.sleep(100);
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(this.errors).isEmpty();
		assertThat(this.client.failure()).isNull();
		assertThat(this.client.state()).isEqualTo(SseClient.State.CLOSED);
		assertThat(this.closedCalls).hasValue(1);
	}

	@Test
	void serverErrorFailsWithoutReconnecting() throws Exception {
		serve((exchange) -> exchange.respond(500, "Content-Type: text/plain", "Content-Length: 4").write("oops"));
		start(builder().reconnectDelay(Duration.ofMillis(20)));
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		Thread.sleep(100);
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(this.errors).singleElement().isInstanceOfSatisfying(SseResponseException.class, (ex) -> {
			assertThat(ex.statusCode()).isEqualTo(500);
			assertThat(ex).hasMessageContaining("500");
		});
		assertThat(this.client.failure()).isSameAs(this.errors.get(0));
		assertThat(this.opened).isEmpty();
		assertThat(this.closedCalls).hasValue(1);
	}

	@Test
	void wrongContentTypeFailsWithoutReconnecting() throws Exception {
		serve((exchange) -> exchange.respond(200, "Content-Type: application/json").write("{}"));
		start(builder().reconnectDelay(Duration.ofMillis(20)));
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		Thread.sleep(100);
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(this.errors).singleElement().isInstanceOfSatisfying(SseResponseException.class, (ex) -> {
			assertThat(ex.statusCode()).isEqualTo(200);
			assertThat(ex.response().contentType()).hasValue("application/json");
			assertThat(ex).hasMessageContaining("application/json");
		});
	}

	@Test
	void missingContentTypeFails() throws Exception {
		serve((exchange) -> exchange.respond(200).write("data: a\n\n"));
		start(builder());
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		assertThat(this.client.failure()).isInstanceOf(SseResponseException.class);
		assertThat(this.events).isEmpty();
	}

	@Test
	void contentTypeParametersAndCaseAreAccepted() throws Exception {
		serve((exchange) -> exchange.respond(200, "Content-Type: Text/Event-Stream; charset=windows-1252")
			.write("data: ok\u2026\n\n")
			.holdUntilClientCloses(TIMEOUT));
		start(builder());
		awaitEvents(1);
		assertThat(this.events).containsExactly(SseMessage.of("ok\u2026"));
		assertThat(this.opened).singleElement()
			.satisfies((response) -> assertThat(response.statusCode()).isEqualTo(200));
	}

	@Test
	void redirectIsFollowed() throws Exception {
		serve((exchange) -> {
			if (exchange.path.equals("/old")) {
				exchange.respond(307, "Location: /events", "Content-Length: 0");
			}
			else {
				exchange.eventStream().write("data: moved\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(SseClient.builder(this.server.uri("/old")).listener(recorder()));
		awaitEvents(1);
		assertThat(this.events).containsExactly(SseMessage.of("moved"));
		assertThat(this.server.exchanges()).extracting((exchange) -> exchange.path).containsExactly("/old", "/events");
		assertThat(this.opened).singleElement()
			.satisfies((response) -> assertThat(response.uri().getPath()).isEqualTo("/events"));
	}

	@Test
	void postBodyIsResentOnReconnect() throws Exception {
		serve((exchange) -> {
			exchange.eventStream().write("retry: 30\ndata: token-" + exchange.index + "\n\n");
			if (exchange.index == 1) {
				exchange.holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder().method("POST").header("Content-Type", "application/json").body("{\"prompt\":\"h\u00e9\"}"));
		awaitEvents(2);
		assertThat(this.server.exchanges()).hasSize(2).allSatisfy((exchange) -> {
			assertThat(exchange.method).isEqualTo("POST");
			assertThat(exchange.header("Content-Type")).isEqualTo("application/json");
			assertThat(exchange.body).isEqualTo("{\"prompt\":\"h\u00e9\"}");
		});
	}

	@Test
	void readTimeoutDropsASilentConnectionAndReconnects() throws Exception {
		List<Boolean> droppedByClient = new CopyOnWriteArrayList<>();
		serve((exchange) -> {
			exchange.eventStream().write("retry: 20\ndata: a\n\n");
			droppedByClient.add(exchange.holdUntilClientCloses(TIMEOUT));
		});
		start(builder().readTimeout(Duration.ofMillis(200)));
		this.server.awaitExchange(1);
		assertThat(this.errors).first()
			.isInstanceOfSatisfying(SseReadTimeoutException.class,
					(ex) -> assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(200)));
		Exchange first = this.server.exchanges().get(0);
		awaitClosed(first);
		assertThat(first.closedNanos - first.receivedNanos).isBetween(150_000_000L, 2_000_000_000L);
		assertThat(droppedByClient).first().isEqualTo(true);
	}

	@Test
	void heartbeatsKeepAConnectionAliveBeyondTheReadTimeout() throws Exception {
		List<String> comments = new CopyOnWriteArrayList<>();
		serve((exchange) -> {
			exchange.eventStream();
			for (int i = 0; i < 10; i++) {
				exchange.write(":\n").pause(60);
			}
			exchange.write("data: done\n\n").holdUntilClientCloses(TIMEOUT);
		});
		start(builder().readTimeout(Duration.ofMillis(400)).onComment(comments::add));
		awaitEvents(1);
		assertThat(this.errors).isEmpty();
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(comments).hasSize(10).containsOnly("");
	}

	@Test
	void slowListenerDoesNotTriggerTheReadTimeout() throws Exception {
		serve((exchange) -> exchange.eventStream()
			.write("data: slow\n\ndata: next\n\n")
			.holdUntilClientCloses(TIMEOUT));
		List<Integer> errorsAtNext = new CopyOnWriteArrayList<>();
		start(builder().readTimeout(Duration.ofMillis(100)).onEvent((event) -> {
			if (event.data().equals("slow")) {
				sleep(300);
			}
			else {
				errorsAtNext.add(this.errors.size());
			}
		}));
		awaitEvents(2);
		assertThat(errorsAtNext).containsExactly(0);
		assertThat(this.server.exchanges().get(0).closedNanos).as("first connection still open").isZero();
	}

	@Test
	void readTimeoutAlsoBoundsTheWaitForAResponse() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.holdUntilClientCloses(TIMEOUT);
			}
			else {
				exchange.eventStream().write("data: b\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder().readTimeout(Duration.ofMillis(500)).reconnectDelay(Duration.ofMillis(20)));
		awaitEvents(1);
		assertThat(this.errors).isNotEmpty()
			.allSatisfy((error) -> assertThat(error).isInstanceOf(SseReadTimeoutException.class));
	}

	@Test
	void oversizedEventIsReportedAndTheClientReconnects() throws Exception {
		serve((exchange) -> {
			if (exchange.index == 0) {
				exchange.eventStream()
					.write("retry: 20\ndata: " + "x".repeat(100) + "\n\n")
					.holdUntilClientCloses(TIMEOUT);
			}
			else {
				exchange.eventStream().write("data: ok\n\n").holdUntilClientCloses(TIMEOUT);
			}
		});
		start(builder().maxEventSize(64));
		awaitEvents(1);
		assertThat(this.events).containsExactly(SseMessage.of("ok"));
		assertThat(this.errors).singleElement().isInstanceOf(SseEventTooLargeException.class);
		assertThat(this.server.exchanges().get(0).awaitClientGone(TIMEOUT)).isTrue();
	}

	@Test
	void closeReleasesTheConnectionAndStopsReconnecting() throws Exception {
		serve((exchange) -> exchange.eventStream().write("retry: 20\ndata: a\n\n").holdUntilClientCloses(TIMEOUT));
		start(builder());
		awaitEvents(1);
		Thread closer = new Thread(this.client::close);
		closer.start();
		assertThat(this.server.exchanges().get(0).awaitClientGone(TIMEOUT)).isTrue();
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		Thread.sleep(100);
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(this.closedCalls).hasValue(1);
		assertThat(this.errors).isEmpty();
	}

	@Test
	void closeWhileWaitingForAResponseEndsPromptly() throws Exception {
		serve((exchange) -> exchange.holdUntilClientCloses(TIMEOUT));
		start(builder());
		Exchange exchange = this.server.awaitExchange(0);
		this.client.close();
		assertThat(this.client.awaitTermination(Duration.ofSeconds(2))).isTrue();
		assertThat(exchange.awaitClientGone(TIMEOUT)).isTrue();
		assertThat(this.errors).isEmpty();
	}

	@Test
	void closeWhileWaitingToReconnectEndsPromptly() throws Exception {
		serve((exchange) -> exchange.eventStream().write("retry: 60000\ndata: a\n\n"));
		start(builder());
		awaitEvents(1);
		awaitState(SseClient.State.CONNECTING);
		long start = System.nanoTime();
		this.client.close();
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(1).toNanos());
	}

	@Test
	void closeFromAListenerStopsTheClient() throws Exception {
		serve((exchange) -> exchange.eventStream().write("data: a\n\ndata: b\n\n").holdUntilClientCloses(TIMEOUT));
		SseClient[] self = new SseClient[1];
		this.client = builder().onEvent((event) -> self[0].close()).build();
		self[0] = this.client;
		this.client.start();
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		assertThat(this.events).containsExactly(SseMessage.of("a"));
	}

	@Test
	void withoutReconnectionTheClientStopsWhenTheStreamEnds() throws Exception {
		serve((exchange) -> exchange.eventStream().write("retry: 10\ndata: last\n\n"));
		start(builder().reconnect(false));
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		Thread.sleep(50);
		assertThat(this.events).containsExactly(SseMessage.of("last"));
		assertThat(this.server.exchanges()).hasSize(1);
		assertThat(this.client.failure()).isNull();
	}

	@Test
	void refusedConnectionIsReportedAndRetried() throws Exception {
		URI unused;
		try (ServerSocket socket = new ServerSocket(0)) {
			unused = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
		}
		start(SseClient.builder(unused).reconnectDelay(Duration.ofMillis(10)).listener(recorder()));
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (this.errors.size() < 3 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(this.errors).hasSizeGreaterThanOrEqualTo(3)
			.allSatisfy((error) -> assertThat(error).isInstanceOf(ConnectException.class));
		assertThat(this.client.state()).isNotEqualTo(SseClient.State.CLOSED);
	}

	@Test
	void withoutReconnectionARefusedConnectionIsTheFailure() throws Exception {
		URI unused;
		try (ServerSocket socket = new ServerSocket(0)) {
			unused = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
		}
		start(SseClient.builder(unused).reconnect(false).listener(recorder()));
		assertThat(this.client.awaitTermination(TIMEOUT)).isTrue();
		assertThat(this.client.failure()).isInstanceOf(ConnectException.class);
		assertThat(this.errors).containsExactly(this.client.failure());
	}

	@Test
	void listenerExceptionDoesNotStopTheClient() throws Exception {
		serve((exchange) -> exchange.eventStream().write("data: a\n\ndata: b\n\n").holdUntilClientCloses(TIMEOUT));
		start(builder().onEvent((event) -> {
			throw new IllegalStateException("listener bug");
		}));
		awaitEvents(2);
		assertThat(this.errors).isEmpty();
	}

	@Test
	void utf8CharacterSplitAcrossWritesIsDecoded() throws Exception {
		serve((exchange) -> exchange.eventStream()
			.write(new byte[] { 'd', 'a', 't', 'a', ':', (byte) 0xE2, (byte) 0x80 })
			.pause(30)
			.write(new byte[] { (byte) 0xA6, '\r' })
			.pause(30)
			.write("\n\r\n")
			.holdUntilClientCloses(TIMEOUT));
		start(builder());
		awaitEvents(1);
		assertThat(this.events).containsExactly(SseMessage.of("\u2026"));
	}

	@Test
	void blockingQueueDeliversEventsAndEndsWhenTheClientStops() throws Exception {
		serve((exchange) -> exchange.eventStream().write("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
		SseClient client = builder().reconnect(false).build();
		this.client = client;
		SseEventQueue queue = client.events();
		client.start();
		assertThat(queue.poll(TIMEOUT)).isEqualTo(SseMessage.of("1"));
		assertThat(queue.stream().map(SseMessage::data)).containsExactly("2", "3");
		assertThat(queue.isExhausted()).isTrue();
		assertThat(queue.poll(Duration.ofMillis(10))).isNull();
	}

	@Test
	void blockingQueuePushesBackWhenFull() throws Exception {
		serve((exchange) -> {
			exchange.eventStream();
			for (int i = 0; i < 50; i++) {
				exchange.write("data: " + i + "\n\n");
			}
			exchange.holdUntilClientCloses(TIMEOUT);
		});
		SseClient client = builder().eventQueueCapacity(5).build();
		this.client = client;
		SseEventQueue queue = client.events();
		client.start();
		awaitEvents(6);
		Thread.sleep(100);
		assertThat(this.events).hasSize(6);
		assertThat(queue.stream().limit(50).map(SseMessage::data).toList()).hasSize(50)
			.startsWith("0", "1")
			.endsWith("49");
	}

	@Test
	void listenersRunOnAVirtualThreadWhenTheJdkHasThem() throws Exception {
		serve((exchange) -> exchange.eventStream().write("data: a\n\n").holdUntilClientCloses(TIMEOUT));
		List<Thread> threads = new CopyOnWriteArrayList<>();
		start(builder().onEvent((event) -> threads.add(Thread.currentThread())));
		awaitEvents(1);
		Thread thread = threads.get(0);
		if (Runtime.version().feature() >= 21) {
			assertThat(Thread.class.getMethod("isVirtual").invoke(thread)).isEqualTo(true);
		}
		assertThat(thread.isDaemon()).isTrue();
		assertThat(thread.getName()).startsWith("sse-client-");
	}

	@Test
	void builderRejectsInvalidSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseClient.builder("ftp://example.com/x").build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder("http://example.com/x").header("Last-Event-ID", "1"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder("http://example.com/x").header("Host", "x").build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder("http://example.com/x").maxEventSize(0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder("http://example.com/x").readTimeout(Duration.ZERO));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseClient.builder("http://example.com/x").reconnectDelay(Duration.ofMillis(-1)));
	}

	@Test
	void clientStartsOnlyOnce() throws Exception {
		serve((exchange) -> exchange.eventStream().holdUntilClientCloses(TIMEOUT));
		start(builder());
		assertThatIllegalStateException().isThrownBy(this.client::start).withMessageContaining("started");
		this.client.close();
		assertThatIllegalStateException().isThrownBy(this.client::start).withMessageContaining("closed");
	}

	@Test
	void closeBeforeStartEndsWithoutCallbacks() throws Exception {
		SseClient client = SseClient.builder("http://127.0.0.1:1/never").listener(recorder()).build();
		SseEventQueue queue = client.events();
		client.close();
		assertThat(client.awaitTermination(Duration.ZERO)).isTrue();
		assertThat(queue.isExhausted()).isTrue();
		assertThat(this.closedCalls).hasValue(0);
	}

	private void serve(TestSseServer.Handler handler) throws IOException {
		this.server = TestSseServer.start(handler);
	}

	private SseClient.Builder builder() {
		return SseClient.builder(this.server.uri("/events")).listener(recorder());
	}

	private void start(SseClient.Builder builder) {
		this.client = builder.start();
	}

	private SseListener recorder() {
		return new SseListener() {

			@Override
			public void onOpen(SseResponse response) {
				SseClientTests.this.opened.add(response);
			}

			@Override
			public void onEvent(SseMessage event) {
				SseClientTests.this.events.add(event);
			}

			@Override
			public void onError(Throwable error) {
				SseClientTests.this.errors.add(error);
			}

			@Override
			public void onClosed() {
				SseClientTests.this.closedCalls.incrementAndGet();
			}

		};
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitState(SseClient.State state) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (this.client.state() != state && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.client.state()).isEqualTo(state);
	}

	private static void awaitClosed(Exchange exchange) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (exchange.closedNanos == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(exchange.closedNanos).as("connection closed").isNotZero();
	}

	private void awaitEvents(int count) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (this.events.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.events).as("events received").hasSizeGreaterThanOrEqualTo(count);
	}

}
