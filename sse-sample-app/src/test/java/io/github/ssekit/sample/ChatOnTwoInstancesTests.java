package io.github.ssekit.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's chat on two instances that share one Redis, as the README's walkthrough
 * runs it: a broadcast posted on either instance reaches the users of both, a direct
 * message reaches its addressee wherever they are, and a user who drops off one instance
 * and reconnects to the other with their {@code Last-Event-ID} gets exactly what they
 * missed, in order.
 *
 * @author ssekit
 */
class ChatOnTwoInstancesTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static RedisProcess redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startRedisAndTwoInstances() throws Exception {
		redis = RedisProcess.start();
		first = start();
		second = start();
	}

	@AfterAll
	static void stop() throws Exception {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.run("--server.port=0", "--spring.data.redis.port=" + redis.port(), "--sample.price.interval=1h");
	}

	@Test
	void aBroadcastPostedOnOneInstanceReachesTheUsersOfBothWithOnePublish() throws Exception {
		try (SseTestClient alice = listen(first, "alice", null); SseTestClient bob = listen(second, "bob", null)) {
			assertThat(post(first, "/chat/broadcast?from=alice&message=hello%20all").statusCode()).isEqualTo(200);
			alice.nextEvent().hasType("broadcast").hasDataContaining("\"message\":\"hello all\"");
			bob.nextEvent().hasType("broadcast").hasDataContaining("\"message\":\"hello all\"");
			assertThat(post(second, "/chat/broadcast?from=bob&message=hi%20back").statusCode()).isEqualTo(200);
			alice.nextEvent().hasType("broadcast").hasDataContaining("\"message\":\"hi back\"");
			bob.nextEvent().hasType("broadcast").hasDataContaining("\"message\":\"hi back\"");
		}
	}

	@Test
	void aDirectMessageReachesItsAddresseeOnTheOtherInstanceOnly() throws Exception {
		try (SseTestClient carol = listen(first, "carol", null); SseTestClient dave = listen(second, "dave", null)) {
			assertThat(post(first, "/chat/direct?from=carol&to=dave&message=psst").statusCode()).isEqualTo(200);
			dave.nextEvent().hasType("direct").hasDataContaining("\"to\":\"dave\"").hasDataContaining("psst");
			carol.assertNoEvent(Duration.ofMillis(300));
		}
	}

	@Test
	void aUserWhoMovesToTheOtherInstanceGetsExactlyWhatTheyMissedInOrder() throws Exception {
		String lastEventId;
		try (SseTestClient erin = listen(second, "erin", null)) {
			post(first, "/chat/broadcast?from=frank&message=one");
			SseMessage one = erin.awaitEvents(1).get(0);
			assertThat(one.type()).isEqualTo("broadcast");
			assertThat(one.data()).contains("\"message\":\"one\"");
			lastEventId = one.lastEventId();
		}
		post(first, "/chat/direct?from=frank&to=erin&message=two");
		post(second, "/chat/broadcast?from=frank&message=three");
		post(first, "/chat/direct?from=frank&to=erin&message=four");
		try (SseTestClient erin = listen(first, "erin", lastEventId)) {
			List<SseMessage> missed = erin.awaitEvents(3);
			assertThat(missed).extracting(SseMessage::type).containsExactly("direct", "broadcast", "direct");
			assertThat(missed).extracting(SseMessage::data)
				.satisfiesExactly((data) -> assertThat(data).contains("\"message\":\"two\""),
						(data) -> assertThat(data).contains("\"message\":\"three\""),
						(data) -> assertThat(data).contains("\"message\":\"four\""));
			post(second, "/chat/direct?from=frank&to=erin&message=five");
			erin.nextEvent().hasType("direct").hasDataContaining("\"message\":\"five\"");
			erin.assertNoEvent(Duration.ofMillis(300));
		}
	}

	@Test
	void aUserWhoHadNoEventYetStillResumesExactly() throws Exception {
		String lastEventId;
		try (SseTestClient gina = listen(first, "gina", null)) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (gina.client().lastEventId().isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			lastEventId = gina.client().lastEventId();
			assertThat(gina.receivedEvents()).isEmpty();
		}
		assertThat(lastEventId).as("the id of the event without data sent once the stream joined").isNotEmpty();
		post(second, "/chat/direct?from=hal&to=gina&message=while%20away");
		try (SseTestClient gina = listen(second, "gina", lastEventId)) {
			gina.nextEvent().hasType("direct").hasDataContaining("while away");
		}
	}

	private static SseTestClient listen(ConfigurableApplicationContext instance, String user, String lastEventId) {
		SseTestClient.Builder builder = SseTestClient.builder(url(instance, "/chat/sse?username=" + user))
			.timeout(Duration.ofSeconds(10));
		if (lastEventId != null) {
			builder.lastEventId(lastEventId);
		}
		SseTestClient client = builder.connect();
		assertThat(client.statusCode()).isEqualTo(200);
		return client;
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext instance, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url(instance, path)))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String url(ConfigurableApplicationContext instance, String path) {
		int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
		return "http://localhost:" + port + path;
	}

}
