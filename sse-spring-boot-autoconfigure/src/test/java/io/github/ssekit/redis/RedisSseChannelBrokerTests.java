package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker.Listener;
import io.github.ssekit.channel.SseChannelBroker.Registration;
import io.github.ssekit.channel.SseChannelBroker.Replay;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisSseChannelBroker} against a real Redis server.
 *
 * @author ssekit
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisSseChannelBrokerTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final List<RedisClient> clients = new ArrayList<>();

	private final List<RedisSseChannelBroker> brokers = new ArrayList<>();

	private final List<TcpProxy> proxies = new ArrayList<>();

	private static final AtomicInteger channelCounter = new AtomicInteger();

	private String channel;

	@BeforeEach
	void uniqueChannel() {
		this.channel = "test-" + channelCounter.incrementAndGet();
	}

	@AfterEach
	void close() {
		this.brokers.forEach(RedisSseChannelBroker::stop);
		this.proxies.forEach(TcpProxy::close);
		this.clients.forEach(RedisClient::shutdown);
	}

	@Test
	void publishAssignsStreamIdsAndReplayReturnsWhatFollowsTheLastId() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= 15; i++) {
			ids.add(broker.publish(this.channel, SseEvent.of("n", "#" + i)).id());
		}
		assertThat(ids).allMatch(SseEventIds::isValid);
		assertThat(ids).isSortedAccordingTo(SseEventIds::compare).doesNotHaveDuplicates();
		assertThat(broker.historySize(this.channel)).isEqualTo(10);
		Replay fromEighth = broker.replay(this.channel, ids.get(7));
		assertThat(fromEighth.historyLost()).isFalse();
		assertThat(fromEighth.events()).extracting(SseEvent::data)
			.containsExactly("#9", "#10", "#11", "#12", "#13", "#14", "#15");
		assertThat(fromEighth.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(8, 15));
		assertThat(broker.replay(this.channel, ids.get(2)).historyLost()).isTrue();
		assertThat(broker.replay(this.channel, ids.get(4)).events()).as("the newest id trimmed")
			.extracting(SseEvent::id)
			.containsExactlyElementsOf(ids.subList(5, 15));
		assertThat(broker.replay(this.channel, ids.get(14))).isEqualTo(Replay.of(List.of()));
		assertThat(broker.replay(this.channel, "not-an-id").historyLost()).isTrue();
		assertThat(broker.replay(this.channel, "1-0").historyLost()).isTrue();
		assertThat(broker.replay("never-published-" + this.channel, ids.get(14)).historyLost()).isTrue();
	}

	@Test
	void positionOfAnEmptyChannelReplaysExactlyWhatIsPublishedAfterIt() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		RecordingListener listener = new RecordingListener();
		broker.listen(this.channel, listener);
		String position = broker.position(this.channel);
		assertThat(position).matches(SseEventIds::isValid);
		assertThat(broker.position(this.channel)).as("the reserved id is reused").isEqualTo(position);
		assertThat(broker.historySize(this.channel)).isZero();
		assertThat(broker.replay(this.channel, position)).isEqualTo(Replay.of(List.of()));
		List<String> ids = publish(broker, "after", 3);
		assertThat(SseEventIds.compare(ids.get(0), position)).isPositive();
		Replay replay = broker.replay(this.channel, position);
		assertThat(replay.historyLost()).isFalse();
		assertThat(replay.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
		assertThat(broker.position(this.channel)).isEqualTo(ids.get(2));
		listener.awaitCount(3);
		assertThat(listener.ids()).as("nobody sees the reserved entry").containsExactlyElementsOf(ids);
	}

	@Test
	void positionOfAChannelWithHistoryIsItsNewestEvent() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		String newest = publish(broker, "before", 2).get(1);
		String position = broker.position(this.channel);
		assertThat(position).isEqualTo(newest);
		List<String> ids = publish(broker, "after", 2);
		assertThat(broker.replay(this.channel, position).events()).extracting(SseEvent::id)
			.containsExactlyElementsOf(ids);
	}

	@Test
	void positionTrimmedPastGivesHistoryLost() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(2));
		String emptyPosition = broker.position(this.channel);
		publish(broker, "x", 1);
		assertThat(broker.replay(this.channel, emptyPosition).historyLost()).isFalse();
		publish(broker, "y", 2);
		assertThat(broker.replay(this.channel, emptyPosition).historyLost()).isTrue();
		String position = broker.position(this.channel);
		publish(broker, "z", 2);
		assertThat(broker.replay(this.channel, position).historyLost()).as("nothing after it trimmed").isFalse();
		publish(broker, "z", 1);
		assertThat(broker.replay(this.channel, position).historyLost()).isTrue();
	}

	@Test
	void approximateTrimmingLosesTrimmedIdsAndPositionsOnly() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10).mutate().approximateTrimming(true).build());
		String position = broker.position(this.channel);
		List<String> ids = publish(broker, "n", 250);
		long size = broker.historySize(this.channel);
		assertThat(size).as("whole nodes trimmed").isLessThan(250).isGreaterThanOrEqualTo(10);
		int firstHeld = (int) (250 - size);
		assertThat(broker.replay(this.channel, position).historyLost()).isTrue();
		assertThat(broker.replay(this.channel, ids.get(0)).historyLost()).isTrue();
		assertThat(broker.replay(this.channel, ids.get(firstHeld)).events()).extracting(SseEvent::id)
			.containsExactlyElementsOf(ids.subList(firstHeld + 1, 250));
	}

	@Test
	void positionIsLostWhenRedisLosesItsData() throws Exception {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		String flushed = broker.position(this.channel);
		assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
		assertThat(broker.replay(this.channel, flushed).historyLost()).isTrue();
		publish(broker, "new stream", 1);
		assertThat(broker.replay(this.channel, flushed).historyLost()).as("another stream").isTrue();
		String restarted = broker.position(this.channel + "-empty");
		redis.stop(false);
		redis.start();
		await().atMost(DEADLINE).until(broker::isConnected);
		await().atMost(DEADLINE)
			.ignoreExceptions()
			.until(() -> broker.replay(this.channel + "-empty", restarted).historyLost());
	}

	@Test
	void positionWithAMaximumAgeKeepsTheKeysExpiry() throws Exception {
		RedisSseChannelBroker broker = broker(redis.uri(),
				settings(100).mutate().maxAge(Duration.ofSeconds(30)).build());
		broker.position(this.channel);
		long ttl = Long.parseLong(redis.command("PTTL sse-test:" + this.channel).substring(1));
		assertThat(ttl).isBetween(25_000L, 31_000L);
	}

	@Test
	void everyFieldSurvivesTheRoundTrip() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		String first = broker.publish(this.channel, SseEvent.of("first")).id();
		SseEvent event = SseEvent.builder()
			.event("price")
			.data("line 1\nline 2\r\n  indented é ✓")
			.retry(Duration.ofMillis(2500))
			.comment("a comment")
			.build();
		SseEvent published = broker.publish(this.channel, event);
		SseEvent commentOnly = broker.publish(this.channel, SseEvent.builder().comment("only").build());
		assertThat(broker.replay(this.channel, first).events()).containsExactly(published, commentOnly);
		assertThat(published.mutate().id(null).build()).isEqualTo(event);
		assertThat(broker.publish(this.channel, SseEvent.builder().data("").build()).data()).isEmpty();
	}

	@Test
	void publishRejectsEventWithId() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> broker.publish(this.channel, SseEvent.builder().id("1").data("x").build()));
	}

	@Test
	void listenerGetsEveryEventAppendedAfterListenInOrder() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(100));
		broker.publish(this.channel, SseEvent.of("before"));
		RecordingListener listener = new RecordingListener();
		broker.listen(this.channel, listener);
		List<String> ids = publish(broker, "after-", 20);
		listener.awaitCount(20);
		assertThat(listener.ids()).containsExactlyElementsOf(ids);
		assertThat(listener.events).extracting(SseEvent::data).first().isEqualTo("after-0");
	}

	@Test
	void eventsPublishedOnOneInstanceReachTheOtherInOrder() {
		RedisSseChannelBroker a = broker(redis.uri(), settings(100));
		RedisSseChannelBroker b = broker(redis.uri(), settings(100));
		RecordingListener onA = new RecordingListener();
		RecordingListener onB = new RecordingListener();
		a.listen(this.channel, onA);
		b.listen(this.channel, onB);
		List<String> ids = new ArrayList<>(publish(a, "a", 10));
		ids.addAll(publish(b, "b", 10));
		onA.awaitCount(20);
		onB.awaitCount(20);
		assertThat(onA.ids()).containsExactlyElementsOf(ids);
		assertThat(onB.ids()).containsExactlyElementsOf(ids);
		assertThat(onB.events.get(0).data()).isEqualTo("a0");
	}

	@Test
	void closedRegistrationStopsDeliveryAndTheChannelIsNoLongerRead() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(100));
		RecordingListener first = new RecordingListener();
		RecordingListener second = new RecordingListener();
		Registration firstRegistration = broker.listen(this.channel, first);
		Registration secondRegistration = broker.listen(this.channel, second);
		publish(broker, "x", 3);
		first.awaitCount(3);
		second.awaitCount(3);
		await().atMost(DEADLINE).until(() -> broker.getReadChannelCount() == 1);
		firstRegistration.close();
		List<String> later = publish(broker, "y", 3);
		second.awaitCount(6);
		assertThat(second.ids().subList(3, 6)).containsExactlyElementsOf(later);
		assertThat(first.ids()).hasSize(3);
		secondRegistration.close();
		await().atMost(DEADLINE).until(() -> broker.getReadChannelCount() == 0);
	}

	@Test
	void newChannelIsPickedUpWhileTheReaderIsBlocked() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(100));
		RecordingListener first = new RecordingListener();
		broker.listen(this.channel, first);
		await().atMost(DEADLINE).until(() -> broker.getReadChannelCount() == 1);
		RecordingListener second = new RecordingListener();
		broker.listen(this.channel + "-other", second);
		String id = broker.publish(this.channel + "-other", SseEvent.of("hello")).id();
		second.awaitCount(1);
		assertThat(second.ids()).containsExactly(id);
		assertThat(first.ids()).isEmpty();
	}

	@Test
	void aPublishIsReadOnlyFromItsOwnStreamWhateverTheNumberOfChannelsRead() throws Exception {
		RedisSseChannelBroker a = broker(redis.uri(), settings(10));
		RedisSseChannelBroker b = broker(redis.uri(), settings(10));
		int channels = 2000;
		for (int i = 0; i < channels; i++) {
			b.listen(this.channel + "-" + i, (event) -> {
			});
		}
		RecordingListener listener = new RecordingListener();
		b.listen(this.channel, listener);
		await().atMost(DEADLINE).until(() -> b.getReadChannelCount() == channels + 1);
		publish(a, "warm-up", 1);
		listener.awaitCount(1);
		RedisClient client = RedisClient.create(redis.uri());
		this.clients.add(client);
		RedisCommands<String, String> commands = client.connect().sync();
		commands.configSet("slowlog-log-slower-than", "0");
		try {
			commands.slowlogReset();
			List<String> ids = publish(a, "watched", 5);
			listener.awaitCount(6);
			assertThat(listener.ids().subList(1, 6)).containsExactlyElementsOf(ids);
			List<List<String>> reads = commands.slowlogGet(1000)
				.stream()
				.map((entry) -> ((List<?>) ((List<?>) entry).get(3)).stream().map(String::valueOf).toList())
				.filter((args) -> "XREAD".equalsIgnoreCase(args.get(0)))
				.toList();
			assertThat(reads).as("reads of the published stream").isNotEmpty();
			assertThat(reads).allSatisfy((args) -> assertThat(args).as("XREAD COUNT n STREAMS key id")
				.hasSize(6)
				.contains("sse-test:" + this.channel));
		}
		finally {
			commands.configSet("slowlog-log-slower-than", "10000");
		}
	}

	@Test
	void concurrentPublishersOnTwoInstancesGiveOneTotalOrder() throws Exception {
		RedisSseChannelBroker a = broker(redis.uri(), settings(10_000));
		RedisSseChannelBroker b = broker(redis.uri(), settings(10_000));
		RecordingListener onA = new RecordingListener();
		RecordingListener onB = new RecordingListener();
		a.listen(this.channel, onA);
		b.listen(this.channel, onB);
		int perPublisher = 250;
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int p = 0; p < 8; p++) {
				RedisSseChannelBroker broker = (p % 2 == 0) ? a : b;
				String prefix = "p" + p + "-";
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < perPublisher; i++) {
						broker.publish(this.channel, SseEvent.of(prefix + i));
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
		onA.awaitCount(8 * perPublisher);
		onB.awaitCount(8 * perPublisher);
		assertThat(onA.ids()).isSortedAccordingTo(SseEventIds::compare).doesNotHaveDuplicates();
		assertThat(onA.ids()).containsExactlyElementsOf(onB.ids());
		for (int p = 0; p < 8; p++) {
			String prefix = "p" + p + "-";
			List<String> own = onA.events.stream().map(SseEvent::data).filter((d) -> d.startsWith(prefix)).toList();
			assertThat(own).hasSize(perPublisher);
			assertThat(own)
				.isSortedAccordingTo((x, y) -> Integer.compare(Integer.parseInt(x.substring(prefix.length())),
						Integer.parseInt(y.substring(prefix.length()))));
		}
	}

	@Test
	void redisRestartKeepsClientsListeningAndPublishFailsMeanwhile() throws Exception {
		RedisSseChannelBroker a = broker(redis.uri(), settings(100));
		RedisSseChannelBroker b = broker(redis.uri(), settings(100));
		RecordingListener onA = new RecordingListener();
		RecordingListener onB = new RecordingListener();
		a.listen(this.channel, onA);
		b.listen(this.channel, onB);
		List<String> ids = new ArrayList<>(publish(a, "before", 5));
		onB.awaitCount(5);
		redis.stop(true);
		try {
			await().atMost(DEADLINE).until(() -> !a.isConnected() && !b.isConnected());
			assertThatExceptionOfType(SseBrokerException.class)
				.isThrownBy(() -> a.publish(this.channel, SseEvent.of("during")))
				.withMessageContaining(this.channel)
				.withMessageContaining("Redis is unavailable");
			assertThat(a.getLastFailure()).isNotNull();
		}
		finally {
			redis.start();
		}
		await().atMost(DEADLINE).until(() -> a.isConnected() && b.isConnected());
		ids.addAll(publish(b, "after", 5));
		onA.awaitCount(10);
		onB.awaitCount(10);
		assertThat(onA.ids()).containsExactlyElementsOf(ids);
		assertThat(onB.ids()).containsExactlyElementsOf(ids);
		assertThat(onA.historyLost.get() + onB.historyLost.get()).isZero();
		assertThat(a.getReconnectCount()).isPositive();
	}

	@Test
	void anOutageLogsOneWarnAndOneInfoAndPublishingResumesWithinASecond(CapturedOutput output) throws Exception {
		RedisSseChannelBroker broker = broker(redis.uri(),
				RedisSseBrokerSettings.defaults().mutate().keyPrefix("sse-test:").build());
		RecordingListener listener = new RecordingListener();
		broker.listen(this.channel, listener);
		publish(broker, "before", 1);
		listener.awaitCount(1);
		redis.stop(true);
		int refused = 0;
		try {
			// long enough for the backoff to reach its maximum
			long outageEnds = System.nanoTime() + Duration.ofSeconds(8).toNanos();
			while (System.nanoTime() < outageEnds) {
				try {
					broker.publish(this.channel, SseEvent.of("during"));
				}
				catch (SseBrokerException ex) {
					refused++;
				}
				Thread.sleep(20);
			}
		}
		finally {
			redis.start();
		}
		long back = System.nanoTime();
		String id = null;
		while (id == null && System.nanoTime() - back < DEADLINE.toNanos()) {
			try {
				id = broker.publish(this.channel, SseEvent.of("after")).id();
			}
			catch (SseBrokerException ex) {
				Thread.sleep(10);
			}
		}
		Duration resumedAfter = Duration.ofNanos(System.nanoTime() - back);
		assertThat(refused).as("publishes refused during the outage").isGreaterThan(100);
		assertThat(id).isNotNull();
		assertThat(resumedAfter).as("publishing resumed after Redis was back").isLessThan(Duration.ofSeconds(1));
		listener.awaitCount(2);
		assertThat(listener.ids()).endsWith(id);
		assertThat(brokerLines(output, "WARN")).singleElement(STRING).contains("Lost the connection to Redis");
		assertThat(brokerLines(output, "INFO")).singleElement(STRING).contains("Reconnected to Redis");
		assertThat(brokerLines(output, "ERROR")).isEmpty();
	}

	/**
	 * The lines the broker's classes logged at the given level.
	 */
	private static List<String> brokerLines(CapturedOutput output, String level) {
		return output.toString()
			.lines()
			.filter((line) -> line.contains(" " + level + " ") && line.contains(".redis.Redis"))
			.toList();
	}

	@Test
	void eventsPublishedByAnotherInstanceDuringAnOutageArriveAfterReconnectWithoutGap() throws Exception {
		RedisSseChannelBroker a = broker(redis.uri(), settings(10));
		TcpProxy proxy = proxy();
		RedisSseChannelBroker b = broker(proxy.uri(), settings(10));
		RecordingListener onB = new RecordingListener();
		b.listen(this.channel, onB);
		List<String> ids = new ArrayList<>(publish(a, "before", 3));
		onB.awaitCount(3);
		proxy.cut();
		await().atMost(DEADLINE).until(() -> !b.isConnected());
		assertThatExceptionOfType(SseBrokerException.class).isThrownBy(() -> b.publish(this.channel, SseEvent.of("x")));
		ids.addAll(publish(a, "during", 6));
		proxy.restore();
		await().atMost(DEADLINE).until(b::isConnected);
		ids.addAll(publish(a, "after", 2));
		onB.awaitCount(11);
		assertThat(onB.ids()).containsExactlyElementsOf(ids);
		assertThat(onB.historyLost.get()).isZero();
	}

	@Test
	void longerOutageThanTheHistoryGivesHistoryLostThenWhatTheHistoryHolds() throws Exception {
		RedisSseChannelBroker a = broker(redis.uri(), settings(10));
		TcpProxy proxy = proxy();
		RedisSseChannelBroker b = broker(proxy.uri(), settings(10));
		RecordingListener onB = new RecordingListener();
		b.listen(this.channel, onB);
		publish(a, "before", 3);
		onB.awaitCount(3);
		proxy.cut();
		await().atMost(DEADLINE).until(() -> !b.isConnected());
		List<String> during = publish(a, "during", 25);
		proxy.restore();
		onB.awaitCount(13);
		assertThat(onB.historyLost.get()).isOne();
		assertThat(onB.historyLostAt.get()).isEqualTo(3);
		assertThat(onB.ids().subList(3, 13)).containsExactlyElementsOf(during.subList(15, 25));
		String next = a.publish(this.channel, SseEvent.of("next")).id();
		onB.awaitCount(14);
		assertThat(onB.ids().get(13)).isEqualTo(next);
	}

	@Test
	void redisDataLossGivesHistoryLost() throws Exception {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		RecordingListener listener = new RecordingListener();
		broker.listen(this.channel, listener);
		publish(broker, "before", 2);
		listener.awaitCount(2);
		redis.stop(false);
		redis.start();
		await().atMost(DEADLINE).until(() -> listener.historyLost.get() == 1);
		String id = broker.publish(this.channel, SseEvent.of("after")).id();
		listener.awaitCount(3);
		assertThat(listener.ids().get(2)).isEqualTo(id);
	}

	@Test
	void brokerStartsWithoutRedisAndConnectsWhenItAppears() throws Exception {
		TcpProxy proxy = proxy();
		proxy.cut();
		RedisSseChannelBroker broker = broker(proxy.uri(), settings(10));
		assertThat(broker.isConnected()).isFalse();
		assertThatExceptionOfType(SseBrokerException.class)
			.isThrownBy(() -> broker.publish(this.channel, SseEvent.of("x")))
			.withMessageContaining("Cannot publish to channel '" + this.channel + "': Redis is unavailable");
		assertThatExceptionOfType(SseBrokerException.class).isThrownBy(() -> broker.replay(this.channel, "1-0"));
		assertThat(broker.historySize(this.channel)).isZero();
		RecordingListener listener = new RecordingListener();
		broker.listen(this.channel, listener);
		proxy.restore();
		await().atMost(DEADLINE).until(broker::isConnected);
		String id = broker.publish(this.channel, SseEvent.of("now")).id();
		listener.awaitCount(1);
		assertThat(listener.ids()).containsExactly(id);
		assertThat(broker.getReconnectCount()).isZero();
	}

	@Test
	void historyIsTrimmedByAgeAndAQuietChannelsStreamExpires() throws Exception {
		RedisSseChannelBroker broker = broker(redis.uri(),
				settings(100).mutate().maxAge(Duration.ofMillis(500)).build());
		String oldest = broker.publish(this.channel, SseEvent.of("oldest")).id();
		String old = broker.publish(this.channel, SseEvent.of("old")).id();
		Thread.sleep(1200);
		String id = broker.publish(this.channel, SseEvent.of("new")).id();
		await().atMost(DEADLINE).until(() -> broker.historySize(this.channel) == 1);
		assertThat(broker.replay(this.channel, oldest).historyLost()).isTrue();
		assertThat(broker.replay(this.channel, old).events()).as("nothing after the newest id trimmed was lost")
			.extracting(SseEvent::id)
			.containsExactly(id);
		await().atMost(DEADLINE).until(() -> broker.historySize(this.channel) == 0);
		assertThat(redis.command("EXISTS sse-test:" + this.channel)).isEqualTo(":0");
		assertThat(broker.replay(this.channel, old).historyLost()).isTrue();
	}

	@Test
	void stoppedBrokerRefusesToPublish() {
		RedisSseChannelBroker broker = broker(redis.uri(), settings(10));
		broker.stop();
		assertThatExceptionOfType(SseBrokerException.class)
			.isThrownBy(() -> broker.publish(this.channel, SseEvent.of("x")))
			.withMessageContaining("stopped");
	}

	private List<String> publish(RedisSseChannelBroker broker, String prefix, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(broker.publish(this.channel, SseEvent.of(prefix + i)).id());
		}
		return ids;
	}

	static RedisSseBrokerSettings settings(long maxLength) {
		return RedisSseBrokerSettings.builder()
			.keyPrefix("sse-test:")
			.maxLength(maxLength)
			.readBlock(Duration.ofMillis(500))
			.backoff(Duration.ofMillis(50), Duration.ofMillis(300))
			.commandTimeout(Duration.ofSeconds(3))
			.build();
	}

	private RedisSseChannelBroker broker(String uri, RedisSseBrokerSettings settings) {
		RedisClient client = RedisClient.create(uri);
		this.clients.add(client);
		RedisSseChannelBroker broker = new RedisSseChannelBroker(client, settings);
		this.brokers.add(broker);
		broker.start();
		return broker;
	}

	private TcpProxy proxy() throws Exception {
		TcpProxy proxy = new TcpProxy(redis.port());
		this.proxies.add(proxy);
		return proxy;
	}

	static final class RecordingListener implements Listener {

		final List<SseEvent> events = new CopyOnWriteArrayList<>();

		final AtomicInteger historyLost = new AtomicInteger();

		final AtomicInteger historyLostAt = new AtomicInteger(-1);

		@Override
		public void onEvent(SseEvent event) {
			this.events.add(event);
		}

		@Override
		public void onHistoryLost() {
			this.historyLostAt.set(this.events.size());
			this.historyLost.incrementAndGet();
		}

		List<String> ids() {
			return this.events.stream().map(SseEvent::id).toList();
		}

		void awaitCount(int count) {
			await().atMost(DEADLINE).until(() -> this.events.size() >= count);
		}

	}

}
