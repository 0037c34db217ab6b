package io.github.ssekit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code secure} profile end to end over real sockets: private channels,
 * members-only rooms, the per-user limit, streams that end with their session, the
 * request's identity on the producer's thread, and quiet logs throughout.
 *
 * @author ssekit
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sse.heartbeat.interval=200ms")
@ActiveProfiles("secure")
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractPrivateStreamsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	SseStreamFactory streams;

	@Test
	void aUsersNotificationsReachOnlyThatUser(CapturedOutput output) throws Exception {
		try (SseTestClient ann = stream("ann", "/me/notifications");
				SseTestClient bob = stream("bob", "/me/notifications")) {
			assertThat(ann.statusCode()).isEqualTo(200);
			assertThat(bob.statusCode()).isEqualTo(200);
			FormLoginSession bobsBrowser = FormLoginSession.login(base(), "bob");
			assertThat(bobsBrowser.post("/users/ann/notifications", "message=hello").statusCode()).isEqualTo(202);
			ann.nextEvent().hasType("notification").hasDataContaining("\"from\":\"bob\"").hasDataContaining("hello");
			bob.assertNoEvent(Duration.ofMillis(300));
		}
		assertQuiet(output);
	}

	@Test
	void anotherUsersChannelIsRefusedWith403AndAProblemDetailAsOftenAsItIsAsked(CapturedOutput output)
			throws Exception {
		for (int i = 0; i < 8; i++) {
			HttpResponse<String> refused = get("ann", "/channels/user:bob");
			assertThat(refused.statusCode()).as("a refusal holds no slot of the per-user limit").isEqualTo(403);
			assertThat(refused.headers().firstValue("Content-Type")).get()
				.asString()
				.startsWithIgnoringCase("application/problem+json");
			assertThat(refused.body()).contains("\"status\":403", "You may not subscribe to this channel");
		}
		try (SseTestClient own = stream("ann", "/channels/user:ann")) {
			assertThat(own.statusCode()).isEqualTo(200);
		}
		assertQuiet(output);
	}

	@Test
	void onlyARoomsMembersJoinIt(CapturedOutput output) throws Exception {
		assertThat(get("bob", "/rooms/ops").statusCode()).isEqualTo(403);
		try (SseTestClient ann = stream("ann", "/rooms/ops"); SseTestClient bob = stream("bob", "/rooms/lounge")) {
			assertThat(ann.statusCode()).isEqualTo(200);
			assertThat(bob.statusCode()).isEqualTo(200);
			FormLoginSession annsBrowser = FormLoginSession.login(base(), "ann");
			assertThat(annsBrowser.post("/rooms/ops/messages", "message=deploy").statusCode()).isEqualTo(202);
			ann.nextEvent().hasType("message").hasDataContaining("deploy");
			FormLoginSession bobsBrowser = FormLoginSession.login(base(), "bob");
			assertThat(bobsBrowser.post("/rooms/ops/messages", "message=let me in").statusCode()).isEqualTo(403);
		}
		assertQuiet(output);
	}

	@Test
	void aUserBeyondTheLimitGets429WhileTheirStreamsAndOtherUsersStreamsGoOn(CapturedOutput output) throws Exception {
		List<SseTestClient> open = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				open.add(stream("ann", "/me/notifications"));
				assertThat(open.get(i).statusCode()).isEqualTo(200);
			}
			HttpResponse<String> refused = get("ann", "/me/notifications");
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(refused.body()).contains("maximum of 5 open streams");
			try (SseTestClient bob = stream("bob", "/me/notifications")) {
				assertThat(bob.statusCode()).isEqualTo(200);
			}
			FormLoginSession bobsBrowser = FormLoginSession.login(base(), "bob");
			bobsBrowser.post("/users/ann/notifications", "message=still here");
			for (SseTestClient stream : open) {
				stream.nextEvent().hasDataContaining("still here");
			}
		}
		finally {
			open.forEach(SseTestClient::close);
		}
		assertQuiet(output);
	}

	@Test
	void aUserWhoClosesAStreamAtTheLimitOpensTheNextAtOnce(CapturedOutput output) throws Exception {
		List<SseTestClient> open = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				open.add(stream("bob", "/me/notifications"));
				assertThat(open.get(i).statusCode()).isEqualTo(200);
			}
			open.remove(0).close();
			long closed = System.nanoTime();
			open.add(stream("bob", "/me/notifications"));
			assertThat(open.get(4).statusCode()).as("a reload's new stream").isEqualTo(200);
			assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("until the new stream was open")
				.isLessThan(Duration.ofSeconds(1));
		}
		finally {
			open.forEach(SseTestClient::close);
		}
		assertQuiet(output);
	}

	@Test
	void loggingOutEndsThatSessionsStreamsAtOnceAndCloseStreamsOfEndsTheRest(CapturedOutput output) throws Exception {
		FormLoginSession browser = FormLoginSession.login(base(), "ann");
		try (SseTestClient inBrowser = SseTestClient.builder(url("/me/notifications"))
			.header("Cookie", browser.cookieHeader())
			.timeout(TIMEOUT)
			.connect(); SseTestClient elsewhere = stream("ann", "/me/notifications")) {
			assertThat(inBrowser.statusCode()).isEqualTo(200);
			assertThat(elsewhere.statusCode()).isEqualTo(200);
			long loggedOut = System.nanoTime();
			browser.logout();
			inBrowser.awaitCompletion();
			assertThat(Duration.ofNanos(System.nanoTime() - loggedOut)).as("the session's stream ended")
				.isLessThan(Duration.ofSeconds(1));
			elsewhere.assertNoEvent(Duration.ofMillis(300));
			assertThat(this.streams.closeStreamsOf("ann")).as("streams of ann closed").isPositive();
			elsewhere.awaitCompletion();
		}
		assertQuiet(output);
	}

	@Test
	void theProducerAndAReactorSourceRunAsTheRequestsUser(CapturedOutput output) {
		for (String via : List.of("producer", "flux")) {
			try (SseTestClient whoami = stream("bob", "/me/whoami?via=" + via)) {
				whoami.awaitCompletion();
				assertThat(whoami.receivedEvents()).as(via).extracting(SseMessage::data).containsExactly("bob");
			}
		}
		assertQuiet(output);
	}

	private SseTestClient stream(String user, String path) {
		return SseTestClient.builder(url(path)).header("Authorization", basic(user)).timeout(TIMEOUT).connect();
	}

	private HttpResponse<String> get(String user, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Authorization", basic(user))
			.header("Accept", "text/event-stream")
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String basic(String user) {
		String credentials = user + ":" + SecurityConfiguration.DEMO_PASSWORD;
		return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	private String url(String path) {
		return base() + path;
	}

	private static void assertQuiet(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain(" WARN ", " ERROR ", "Exception:", "\tat ");
	}

}
