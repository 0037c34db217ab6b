package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker.Replay;
import io.github.ssekit.redis.RedisSseChannelBrokerTests.RecordingListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisSseChannelBroker} on a real three-master Redis Cluster: two
 * brokers are two instances of an application.
 *
 * @author ssekit
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	private static final String PREFIX = "cluster-test:";

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private static final AtomicInteger channelCounter = new AtomicInteger();

	private final List<RedisClusterClient> clients = new ArrayList<>();

	private final List<RedisSseChannelBroker> brokers = new ArrayList<>();

	/** One channel per master, index = the master serving its key. */
	private List<String> channels;

	@BeforeEach
	void oneChannelPerMaster() {
		String[] byMaster = new String[3];
		int found = 0;
		while (found < 3) {
			String channel = "room-" + channelCounter.incrementAndGet();
			int master = cluster.master(PREFIX + channel);
			if (byMaster[master] == null) {
				byMaster[master] = channel;
				found++;
			}
		}
		this.channels = List.of(byMaster);
	}

	@AfterEach
	void close() {
		this.brokers.forEach(RedisSseChannelBroker::stop);
		this.clients.forEach(RedisClusterClient::shutdown);
	}

	@Test
	@Order(1)
	void channelsOnEveryMasterDeliverAcrossTwoInstances() throws Exception {
		RedisSseChannelBroker a = broker();
		RedisSseChannelBroker b = broker();
		List<RecordingListener> onA = listen(a);
		List<RecordingListener> onB = listen(b);
		List<List<String>> ids = new ArrayList<>();
		for (String channel : this.channels) {
			List<String> published = new ArrayList<>(publish(a, channel, "a", 5));
			published.addAll(publish(b, channel, "b", 5));
			ids.add(published);
		}
		for (int master = 0; master < 3; master++) {
			assertThat(cluster.cli(master, "EXISTS", PREFIX + this.channels.get(master)).trim())
				.as("the key is on master %d", master)
				.isEqualTo("1");
			onA.get(master).awaitCount(10);
			onB.get(master).awaitCount(10);
			assertThat(onA.get(master).ids()).containsExactlyElementsOf(ids.get(master));
			assertThat(onB.get(master).ids()).containsExactlyElementsOf(ids.get(master));
		}
	}

	@Test
	@Order(2)
	void replayAndPositionWorkPerKey() {
		RedisSseChannelBroker a = broker();
		RedisSseChannelBroker b = broker();
		for (String channel : this.channels) {
			String position = a.position(channel);
			List<String> ids = publish(a, channel, "x", 3);
			Replay replay = b.replay(channel, position);
			assertThat(replay.historyLost()).isFalse();
			assertThat(replay.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
			assertThat(b.replay(channel, ids.get(0)).events()).extracting(SseEvent::id)
				.containsExactlyElementsOf(ids.subList(1, 3));
			publish(a, channel, "filler", 10);
			assertThat(b.historySize(channel)).isEqualTo(10);
			assertThat(b.replay(channel, position).historyLost()).isTrue();
			assertThat(b.replay(channel, ids.get(1)).historyLost()).isTrue();
		}
	}

	@Test
	@Order(3)
	void aReshardedChannelKeepsPublishingDeliveringAndReplaying() throws Exception {
		String channel = null;
		for (int i = 0; channel == null; i++) {
			String candidate = "moving-" + i;
			if (SlotHash.getSlot(PREFIX + candidate) < 100) {
				channel = candidate;
			}
		}
		String moved = channel;
		RedisSseChannelBroker a = broker();
		RedisSseChannelBroker b = broker();
		RecordingListener onB = new RecordingListener();
		b.listen(moved, onB);
		List<String> ids = new ArrayList<>(publish(a, moved, "before", 3));
		onB.awaitCount(3);
		String output = cluster.reshard(0, 1, 100);
		assertThat(cluster.cli(1, "EXISTS", PREFIX + moved).trim()).as("the key moved to master 1:%n%s", output)
			.isEqualTo("1");
		ids.addAll(publish(a, moved, "after", 3));
		onB.awaitCount(6);
		assertThat(onB.ids()).containsExactlyElementsOf(ids);
		assertThat(onB.historyLost.get()).isZero();
		assertThat(b.replay(moved, ids.get(1)).events()).extracting(SseEvent::id)
			.containsExactlyElementsOf(ids.subList(2, 6));
	}

	@Test
	@Order(4)
	void killingOneMasterStopsItsChannelsOnlyAndTheOthersKeepFlowing() throws Exception {
		RedisSseChannelBroker a = broker();
		RedisSseChannelBroker b = broker();
		List<RecordingListener> onB = listen(b);
		for (String channel : this.channels) {
			publish(a, channel, "before", 2);
		}
		for (RecordingListener listener : onB) {
			listener.awaitCount(2);
		}
		int killed = masterWithMostSubscribers();
		cluster.kill(killed);
		String dead = this.channels.get(killed);
		assertThatExceptionOfType(SseBrokerException.class)
			.isThrownBy(() -> a.publish(dead, SseEvent.of("to the dead master")))
			.withMessageContaining(dead);
		List<Integer> alive = new ArrayList<>(List.of(0, 1, 2));
		alive.remove(Integer.valueOf(killed));
		for (int round = 1; round <= 5; round++) {
			for (int master : alive) {
				String channel = this.channels.get(master);
				List<String> ids = publish(a, channel, "during-" + round, 1);
				RecordingListener listener = onB.get(master);
				await().atMost(DEADLINE).until(() -> listener.ids().contains(ids.get(0)));
			}
		}
		for (int master : alive) {
			assertThat(onB.get(master).events).hasSize(7);
			assertThat(onB.get(master).historyLost.get()).isZero();
		}
		assertThat(a.isConnected()).isTrue();
		assertThatExceptionOfType(SseBrokerException.class)
			.isThrownBy(() -> b.publish(dead, SseEvent.of("still dead")));
	}

	/**
	 * The master that holds the most pub/sub subscriptions, so that killing it also takes
	 * the notification connection of at least one broker.
	 */
	private int masterWithMostSubscribers() throws Exception {
		int best = 0;
		long most = -1;
		for (int master = 0; master < 3; master++) {
			long subscribers = cluster.cli(master, "CLIENT", "LIST")
				.lines()
				.filter((line) -> line.contains(" sub=1 "))
				.count();
			if (subscribers > most) {
				most = subscribers;
				best = master;
			}
		}
		return best;
	}

	private List<RecordingListener> listen(RedisSseChannelBroker broker) {
		List<RecordingListener> listeners = new ArrayList<>();
		for (String channel : this.channels) {
			RecordingListener listener = new RecordingListener();
			broker.listen(channel, listener);
			listeners.add(listener);
		}
		return listeners;
	}

	private static List<String> publish(RedisSseChannelBroker broker, String channel, String prefix, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(broker.publish(channel, SseEvent.of(prefix + i)).id());
		}
		return ids;
	}

	private RedisSseChannelBroker broker() {
		RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
		this.clients.add(client);
		RedisSseBrokerSettings settings = RedisSseBrokerSettings.builder()
			.keyPrefix(PREFIX)
			.maxLength(10)
			.readBlock(Duration.ofMillis(500))
			.backoff(Duration.ofMillis(50), Duration.ofMillis(300))
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		RedisSseChannelBroker broker = new RedisSseChannelBroker(client, settings);
		this.brokers.add(broker);
		broker.start();
		return broker;
	}

}
