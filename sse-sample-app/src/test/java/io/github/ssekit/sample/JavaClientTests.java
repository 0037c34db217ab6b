package io.github.ssekit.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's streams read by ssekit's own Java client ({@code sse-client}), including
 * its reconnect with {@code Last-Event-ID} after the server drops the stream, and the end
 * and the cancellation of a streamed answer.
 *
 * @author ssekit
 */
@LiveSampleTest
class JavaClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	LastEventIdRecorder recorder;

	@Autowired
	CounterController counterController;

	@Autowired
	Ticker ticker;

	@Autowired
	TokenStreamRecorder tokens;

	@BeforeEach
	void clearRecorder() {
		this.recorder.clear();
	}

	@Test
	void readsTimestamps() {
		try (SseTestClient sse = SseTestClient.builder(url("/sse")).timeout(TIMEOUT).connect()) {
			assertThat(sse.statusCode()).isEqualTo(200);
			SseMessage first = sse.awaitEvents(1).get(0);
			assertThat(first.type()).isEqualTo("timestamp");
			assertThat(OffsetDateTime.parse(first.data())).isNotNull();
			sse.nextEvent().hasType("timestamp");
		}
	}

	@Test
	void counterResumesAfterLastEventId() {
		try (SseTestClient sse = SseTestClient.builder(url("/counter")).lastEventId("41").timeout(TIMEOUT).connect()) {
			sse.nextEvent().hasId("42").hasData("42");
			sse.nextEvent().hasId("43").hasData("43");
		}
		assertThat(this.recorder.lastEventIds("/counter")).containsExactly("41");
	}

	@Test
	void counterIsGaplessAcrossServerDrops() throws Exception {
		List<SseMessage> events = new ArrayList<>();
		try (SseTestClient sse = SseTestClient.builder(url("/counter"))
			.timeout(TIMEOUT)
			.client((client) -> client.reconnect(true))
			.connect()) {
			events.addAll(sse.awaitEvents(3));
			for (int drop = 0; drop < 3; drop++) {
				dropCounterStream();
				events.addAll(sse.awaitEvents(3));
			}
		}
		List<Long> ids = events.stream().map((event) -> Long.parseLong(event.lastEventId())).toList();
		assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
		assertThat(events).allSatisfy((event) -> assertThat(event.data()).isEqualTo(event.lastEventId()));
		List<String> resumedAfter = this.recorder.lastEventIds("/counter");
		assertThat(resumedAfter).as("Last-Event-ID headers the server received").hasSize(3);
		assertThat(resumedAfter).allSatisfy((id) -> assertThat(ids).contains(Long.parseLong(id)));
	}

	/**
	 * Drop the client's counter stream, waiting for it to have reconnected if need be.
	 */
	private void dropCounterStream() throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		HttpRequest drop = HttpRequest.newBuilder(URI.create(url("/counter/drop")))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		while (true) {
			HttpResponse<String> response = http.send(drop, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			if (response.body().equals("{\"dropped\":1}")) {
				return;
			}
			assertThat(response.body()).isEqualTo("{\"dropped\":0}");
			assertThat(System.nanoTime()).as("counter stream open again within %s", TIMEOUT).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	@Test
	void closedStreamsLeaveTheSchedulerAndTheSetOfOpenStreams() throws InterruptedException {
		try (SseTestClient counter = SseTestClient.connect(url("/counter"));
				SseTestClient greetings = SseTestClient.connect(url("/greetings"))) {
			counter.awaitEvents(2);
			greetings.awaitEvents(2);
			assertThat(this.counterController.openStreams()).isPositive();
			assertThat(this.ticker.scheduledTasks()).isGreaterThanOrEqualTo(2);
		}
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while ((this.counterController.openStreams() > 0 || this.ticker.scheduledTasks() > 0)
				&& System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(this.counterController.openStreams()).as("open counter streams").isZero();
		assertThat(this.ticker.scheduledTasks()).as("scheduled stream tasks").isZero();
	}

	@Test
	void tokensJoinedAreTheAnswerAndTheStreamEndsAfterDone() {
		int count = TokensController.TOKENS.size();
		long cancellations = this.tokens.cancellations();
		try (SseTestClient sse = SseTestClient.builder(url("/tokens")).timeout(TIMEOUT).connect()) {
			assertThat(sse.statusCode()).isEqualTo(200);
			List<SseMessage> tokens = sse.awaitEvents(count);
			assertThat(tokens).extracting(SseMessage::type).containsOnly("token");
			assertThat(tokens.stream().map(SseMessage::data).collect(Collectors.joining()))
				.isEqualTo(TokensController.ANSWER);
			sse.nextEvent().hasType("done").hasData(Integer.toString(count));
			sse.awaitCompletion();
			assertThat(sse.receivedEvents()).hasSize(count + 1);
			assertThat(sse.errors()).isEmpty();
		}
		assertThat(this.tokens.cancellations()).as("cancellations of a finished answer").isEqualTo(cancellations);
	}

	@Test
	void disconnectingMidAnswerCancelsTheFlux() throws InterruptedException {
		long cancellations = this.tokens.cancellations();
		try (SseTestClient sse = SseTestClient.builder(url("/tokens?delay=200")).timeout(TIMEOUT).connect()) {
			assertThat(sse.awaitEvents(2)).extracting(SseMessage::type).containsOnly("token");
			assertThat(this.tokens.cancellations()).isEqualTo(cancellations);
		}
		assertThat(this.tokens.awaitCancellations(cancellations + 1, TIMEOUT))
			.as("the answer's Flux is cancelled once the client has gone")
			.isTrue();
	}

	@Test
	void tokenDelayOutOfRangeIsBadRequest() {
		for (String delay : List.of("-1", "1001")) {
			try (SseTestClient sse = SseTestClient.connect(url("/tokens?delay=" + delay))) {
				assertThat(sse.statusCode()).as(delay).isEqualTo(400);
				assertThat(sse.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			}
		}
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

}
