package io.github.ssekit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's ports of hertz-contrib/sse's chat and stock-price examples, over a real
 * socket with hertz's paths.
 *
 * @author ssekit
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.price.interval=100ms", "sse.last-event-id.query-parameter=lastEventId" })
@ExtendWith(OutputCaptureExtension.class)
class ChatAndPriceExamplesTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private WebServerApplicationContext context;

	@Test
	void runsOnTomcatAsTheSampleDoes() {
		assertThat(this.context.getWebServer()).isInstanceOf(TomcatWebServer.class);
	}

	@Test
	void broadcastReachesEveryUserAndDirectOnlyItsRecipient() throws Exception {
		try (SseTestClient alice = listen("alice", null); SseTestClient bob = listen("bob", null)) {
			assertThat(post("/chat/broadcast?from=alice&message=hello%20all").body())
				.isEqualTo("{\"message\":\"success\"}");
			alice.nextEvent()
				.hasType("broadcast")
				.hasDataContaining("\"type\":\"broadcast\"")
				.hasDataContaining("\"from\":\"alice\"")
				.hasDataContaining("\"message\":\"hello all\"")
				.hasDataContaining("\"timestamp\":\"");
			bob.nextEvent().hasType("broadcast").hasDataContaining("\"message\":\"hello all\"");
			assertThat(post("/chat/direct?from=alice&to=bob&message=psst").statusCode()).isEqualTo(200);
			bob.nextEvent()
				.hasType("direct")
				.hasDataContaining("\"type\":\"direct\"")
				.hasDataContaining("\"from\":\"alice\"")
				.hasDataContaining("\"to\":\"bob\"")
				.hasDataContaining("\"message\":\"psst\"");
			alice.assertNoEvent(Duration.ofMillis(300));
		}
	}

	@Test
	void reconnectingUserGetsWhatItMissed() throws Exception {
		String lastId;
		try (SseTestClient carol = listen("carol", null)) {
			post("/chat/direct?from=dave&to=carol&message=one");
			lastId = carol.awaitEvents(1).get(0).lastEventId();
		}
		post("/chat/direct?from=dave&to=carol&message=two");
		post("/chat/broadcast?from=dave&message=three");
		try (SseTestClient carol = listen("carol", lastId)) {
			List<SseMessage> missed = carol.awaitEvents(2);
			assertThat(missed).extracting(SseMessage::type).containsExactly("direct", "broadcast");
			assertThat(missed.get(0).data()).contains("\"message\":\"two\"");
			assertThat(missed.get(1).data()).contains("\"message\":\"three\"");
		}
		try (SseTestClient carol = listen("carol", "1-1")) {
			carol.nextEvent().hasType(SseChannel.HISTORY_LOST_EVENT).hasData("chat");
			carol.nextEvent().hasType(SseChannel.HISTORY_LOST_EVENT).hasData("chat:carol");
		}
	}

	@Test
	void missingOrBlankParametersAreBadRequestNamingTheParameter() throws Exception {
		assertProblem(get("/chat/sse"), "username");
		assertProblem(post("/chat/broadcast?from=alice"), "message");
		assertProblem(post("/chat/broadcast?from=%20&message=hi"), "from");
		assertProblem(post("/chat/direct?from=alice&message=hi"), "to");
		assertProblem(post("/chat/direct?from=alice&to=&message=hi"), "to");
	}

	@Test
	void badInputIsAProblemDetailThatNeverQuotesItAndIsNeverLogged(CapturedOutput output) throws Exception {
		assertUndecodable(get("/chat/sse?username=S3CRET%ff"));
		assertUndecodable(get("/sse?x=S3CRET%ff"));
		assertUndecodable(post("/chat/broadcast?from=alice&message=S3CRET%ff"));
		assertUndecodable(post("/chat/direct?from=alice&to=bob&message=S3CRET%ff"));
		assertProblem(get("/chat/sse?username=S3CRET%0d%0aFAKE"), "username");
		HttpResponse<String> forged = get("/sse?lastEventId=S3CRET%0d%0aFAKE");
		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(forged.body()).contains("control characters").doesNotContain("S3CRET").doesNotContain("FAKE");
		assertThat(output).doesNotContain("S3CRET")
			.doesNotContain("FAKE")
			.doesNotContain(" ERROR ")
			.doesNotContain("\tat ");
	}

	@Test
	void pricesArriveAsOneNamedEventPerSymbol() {
		try (SseTestClient prices = SseTestClient.builder(url("/price")).timeout(Duration.ofSeconds(10)).connect()) {
			List<SseMessage> events = prices.awaitEvents(6);
			assertThat(events).extracting(SseMessage::type).containsAll(PriceTicker.SYMBOLS);
			assertThat(events).allSatisfy((event) -> {
				assertThat(PriceTicker.SYMBOLS).contains(event.type());
				assertThat(Double.parseDouble(event.data())).isBetween(0.0, 100.0);
				assertThat(event.lastEventId()).isNotEmpty();
			});
		}
	}

	private static void assertUndecodable(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("Invalid request parameters").doesNotContain("S3CRET");
	}

	private static void assertProblem(HttpResponse<String> response, String parameter) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("'" + parameter + "'").contains("\"parameter\":\"" + parameter + "\"");
	}

	private SseTestClient listen(String user, String lastEventId) {
		SseTestClient.Builder builder = SseTestClient.builder(url("/chat/sse?username=" + user))
			.timeout(Duration.ofSeconds(10));
		if (lastEventId != null) {
			builder.lastEventId(lastEventId);
		}
		SseTestClient client = builder.connect();
		assertThat(client.statusCode()).isEqualTo(200);
		return client;
	}

	private HttpResponse<String> post(String path) throws Exception {
		return http.send(
				HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Accept", "text/event-stream").build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

}
