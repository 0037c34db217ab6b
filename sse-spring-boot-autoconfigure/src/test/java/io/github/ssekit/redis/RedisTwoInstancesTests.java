package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.channel.SseEventIds;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application, on two ports, sharing channels through one real Redis:
 * what a client sees on either instance.
 *
 * @author ssekit
 */
class RedisTwoInstancesTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	private static final int MAX_LENGTH = 1000;

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private static final AtomicInteger channelCounter = new AtomicInteger();

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	private final List<SseTestClient> clients = new ArrayList<>();

	private String channel;

	@BeforeAll
	static void startInstances() {
		a = start();
		b = start();
	}

	@AfterAll
	static void stopInstances() {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
	}

	@BeforeEach
	void uniqueChannel() {
		this.channel = "room-" + channelCounter.incrementAndGet();
	}

	@org.junit.jupiter.api.AfterEach
	void closeClients() {
		this.clients.forEach(SseTestClient::close);
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TwoInstancesApplication.class)
			.properties("server.port=0", "sse.broker=redis", "spring.data.redis.port=" + redis.port(),
					"sse.redis.key-prefix=two-instances:", "sse.channels.history.max-events=" + MAX_LENGTH,
					"sse.redis.read.block=500ms", "sse.redis.reconnect.min-backoff=50ms",
					"sse.redis.reconnect.max-backoff=300ms", "sse.redis.command-timeout=3s",
					"sse.heartbeat.interval=500ms", "spring.main.banner-mode=off")
			.run();
	}

	@Test
	void publishOnOneInstanceReachesClientsOnBothInOrder() {
		SseTestClient onA = subscribe(a, null);
		SseTestClient onB = subscribe(b, null);
		List<String> ids = publish(a, "m", 10);
		assertThat(onA.awaitEvents(10, DEADLINE)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
		assertThat(onB.awaitEvents(10, DEADLINE)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
		assertThat(onB.receivedEvents()).extracting(SseMessage::data).startsWith("m0", "m1");
	}

	@Test
	void clientThatDroppedFromOneInstanceResumesOnTheOtherWithExactlyWhatItMissed() {
		SseTestClient onA = subscribe(a, null);
		List<String> seen = publish(a, "seen", 5);
		onA.awaitEvents(5, DEADLINE);
		onA.close();
		List<String> missed = publish(a, "missed", 3);
		SseTestClient onB = subscribe(b, seen.get(4));
		assertThat(onB.awaitEvents(3, DEADLINE)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(missed);
		String live = publish(b, "live", 1).get(0);
		onB.nextEvent(DEADLINE).hasId(live).hasData("live0");
		onB.assertNoEvent(Duration.ofMillis(200));
	}

	@Test
	void evictedIdGivesTheHistoryLostEvent() {
		String evicted = publish(a, "old", 1).get(0);
		publish(a, "filler", MAX_LENGTH + 5);
		SseTestClient onB = subscribe(b, evicted);
		onB.nextEvent(DEADLINE).hasType(SseChannel.HISTORY_LOST_EVENT).hasData(this.channel);
		String live = publish(a, "live", 1).get(0);
		onB.nextEvent(DEADLINE).hasId(live);
	}

	@Test
	void redisOutageKeepsClientsConnectedAndBothInstancesEndWithTheSameSequence() throws Exception {
		SseTestClient onA = subscribe(a, null);
		SseTestClient onB = subscribe(b, null);
		List<String> ids = new ArrayList<>(publish(a, "before", 3));
		onA.awaitEvents(3, DEADLINE);
		onB.awaitEvents(3, DEADLINE);
		redis.stop(true);
		try {
			await().atMost(DEADLINE).until(() -> !broker(a).isConnected() && !broker(b).isConnected());
			assertThatExceptionOfType(SseBrokerException.class)
				.isThrownBy(() -> channels(a).channel(this.channel).publish(SseEvent.of("during")));
			int heartbeats = onA.comments().size();
			await().atMost(DEADLINE).until(() -> onA.comments().size() > heartbeats + 1);
		}
		finally {
			redis.start();
		}
		await().atMost(DEADLINE).until(() -> broker(b).isConnected());
		ids.addAll(publish(b, "after", 3));
		await().atMost(DEADLINE).until(() -> broker(a).isConnected());
		ids.addAll(publish(a, "later", 2));
		assertThat(onA.awaitEvents(5, DEADLINE)).hasSize(5);
		assertThat(onB.awaitEvents(5, DEADLINE)).hasSize(5);
		assertThat(onA.receivedEvents()).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
		assertThat(onB.receivedEvents()).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids);
		assertThat(onA.errors()).isEmpty();
		assertThat(onB.errors()).isEmpty();
	}

	@Test
	void concurrentPublishersOnBothInstancesGiveEverySubscriberOneTotalOrder() throws Exception {
		List<SseTestClient> subscribers = List.of(subscribe(a, null), subscribe(a, null), subscribe(b, null),
				subscribe(b, null));
		int perPublisher = 100;
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int p = 0; p < 8; p++) {
				SseChannel target = channels((p < 4) ? a : b).channel(this.channel);
				String prefix = "p" + p + "-";
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < perPublisher; i++) {
						target.publish(SseEvent.of(prefix + i));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		List<String> first = null;
		for (SseTestClient subscriber : subscribers) {
			List<String> ids = subscriber.awaitEvents(8 * perPublisher, DEADLINE)
				.stream()
				.map(SseMessage::lastEventId)
				.toList();
			assertThat(ids).isSortedAccordingTo(SseEventIds::compare).doesNotHaveDuplicates();
			if (first == null) {
				first = ids;
			}
			assertThat(ids).containsExactlyElementsOf(first);
		}
	}

	private SseTestClient subscribe(ConfigurableApplicationContext instance, @Nullable String lastEventId) {
		SseTestClient.Builder builder = SseTestClient
			.builder("http://localhost:" + instance.getEnvironment().getProperty("local.server.port") + "/channels/"
					+ this.channel)
			.timeout(DEADLINE);
		if (lastEventId != null) {
			builder.lastEventId(lastEventId);
		}
		SseTestClient client = builder.connect();
		this.clients.add(client);
		assertThat(client.awaitResponse().statusCode()).isEqualTo(200);
		return client;
	}

	private List<String> publish(ConfigurableApplicationContext instance, String prefix, int count) {
		SseChannel target = channels(instance).channel(this.channel);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(target.publish(SseEvent.of(prefix + i)).id());
		}
		return ids;
	}

	private static SseChannels channels(ConfigurableApplicationContext instance) {
		return instance.getBean(SseChannels.class);
	}

	private static RedisSseChannelBroker broker(ConfigurableApplicationContext instance) {
		return instance.getBean(RedisSseChannelBroker.class);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ChannelController.class)
	static class TwoInstancesApplication {

	}

	@RestController
	static class ChannelController {

		private final SseStreamFactory streams;

		private final SseChannels channels;

		ChannelController(SseStreamFactory streams, SseChannels channels) {
			this.streams = streams;
			this.channels = channels;
		}

		@GetMapping("/channels/{name}")
		SseStream subscribe(@PathVariable String name, @LastEventId @Nullable String lastEventId) {
			SseStream stream = this.streams.create();
			this.channels.channel(name).subscribe(stream, lastEventId);
			return stream;
		}

	}

}
