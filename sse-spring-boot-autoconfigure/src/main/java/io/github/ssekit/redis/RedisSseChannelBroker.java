package io.github.ssekit.redis;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * {@link SseChannelBroker} on Redis Streams, so that several instances of an application
 * share their channels and their history. Works on a standalone Redis, under Sentinel,
 * and on Redis Cluster.
 * <p>
 * Each channel is the stream {@code <key-prefix><channel>}; on Cluster, the keys are
 * spread over the slots like any others. A publish is one script on that key, so one
 * round trip: an {@code XADD}, the trimming of the stream to the history's maximum
 * length, and a {@code PUBLISH} of the key on the notification channel, whose name is the
 * key prefix. The entry id Redis assigns is the event id, so ids are global and ordered
 * per channel. With a maximum age, a publish also trims older entries and sets the key to
 * expire one maximum age after it (both at most once a second per channel), so the stream
 * of a channel nobody publishes to any more disappears. A replay is one {@code XRANGE}
 * from the client's last id.
 * <p>
 * Each instance has one reader thread, whatever the number of channels and subscribers.
 * It is subscribed to the notification channel, on a connection of its own, and reads
 * only the streams that notifications name and that have a local listener, with
 * non-blocking {@code XREAD}s on another connection (grouped by slot on Cluster); it
 * hands each entry, in order, to the channel, which encodes it once for all its local
 * subscribers. Channels without local listeners cost a notification per publish, which
 * the instance drops.
 * <p>
 * When Redis is lost, publishing throws {@link SseBrokerException} at once, the reader
 * reconnects with exponential backoff and jitter, and then resumes every channel from the
 * last entry it read: entries other instances appended meanwhile are delivered in order.
 * When that entry is no longer in the stream (the history was trimmed past it, or Redis
 * lost its data), the listener gets {@link Listener#onHistoryLost()} and reading goes on
 * from the oldest entry still held. On Cluster, a node that fails only affects the
 * channels whose keys it serves: publishing to them throws {@link SseBrokerException},
 * their reads are retried, and once the slots are served again (by the restarted node or
 * a promoted replica) they resume the same way.
 * <p>
 * Uses the Lettuce client of the application's {@link LettuceConnectionFactory} (its
 * address, credentials and TLS settings), with three connections of its own: one for
 * commands, one for reads and one for the notifications.
 *
 * @author ssekit
 */
public class RedisSseChannelBroker implements SseChannelBroker, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(30);

	private final RedisSseBrokerSettings settings;

	private volatile Observer observer = Observer.NONE;

	private final RedisConnector connector;

	private final RedisStreamPublisher publisher;

	private final RedisStreamHistory history;

	private final RedisReadStreams streams = new RedisReadStreams();

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private volatile State state = State.NEW;

	private volatile @Nullable RedisStreamReader reader;

	/**
	 * Create a broker on the Lettuce client of the given connection factory: standalone,
	 * Sentinel-managed or Cluster.
	 * @param connectionFactory the application's connection factory
	 * @param settings the broker settings
	 */
	public RedisSseChannelBroker(LettuceConnectionFactory connectionFactory, RedisSseBrokerSettings settings) {
		this(() -> nativeClient(connectionFactory), settings);
	}

	/**
	 * Create a broker on the given Lettuce client, which must have a default address
	 * ({@link RedisClient#create(String)}).
	 * @param client the client
	 * @param settings the broker settings
	 */
	public RedisSseChannelBroker(RedisClient client, RedisSseBrokerSettings settings) {
		this(() -> client, settings);
	}

	/**
	 * Create a broker on the given Lettuce Redis Cluster client. Unless the client's
	 * options refresh the cluster topology already, the broker enables periodic and
	 * adaptive refresh on it, so that a failover or resharding is followed.
	 * @param client the client
	 * @param settings the broker settings
	 */
	public RedisSseChannelBroker(RedisClusterClient client, RedisSseBrokerSettings settings) {
		this(() -> client, settings);
	}

	private RedisSseChannelBroker(Supplier<AbstractRedisClient> client, RedisSseBrokerSettings settings) {
		Assert.notNull(settings, "Settings must not be null");
		this.settings = settings;
		this.connector = new RedisConnector(() -> refreshingTopology(client.get()), settings.commandTimeout(),
				settings.keyPrefix(), this.streams, this::observer);
		this.publisher = new RedisStreamPublisher(settings, settings.keyPrefix(), this::observer);
		this.history = new RedisStreamHistory(settings);
	}

	private static AbstractRedisClient nativeClient(LettuceConnectionFactory connectionFactory) {
		AbstractRedisClient client = connectionFactory.getNativeClient();
		if (client instanceof RedisClient || client instanceof RedisClusterClient) {
			return client;
		}
		throw new IllegalStateException("Redis connection factory has no Lettuce client (not started yet?)");
	}

	private static AbstractRedisClient refreshingTopology(AbstractRedisClient client) {
		if (client instanceof RedisClusterClient cluster
				&& cluster.getOptions() instanceof ClusterClientOptions options) {
			ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
			if (!refresh.isPeriodicRefreshEnabled() && refresh.getAdaptiveRefreshTriggers().isEmpty()) {
				logger.info("Enabling periodic (every " + TOPOLOGY_REFRESH_PERIOD.toSeconds()
						+ " s) and adaptive topology refresh on the Redis Cluster client, so that the SSE broker "
						+ "follows failovers and resharding (spring.data.redis.lettuce.cluster.refresh.* to choose)");
				cluster.setOptions(options.mutate()
					.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
						.enableAllAdaptiveRefreshTriggers()
						.build())
					.build());
			}
		}
		return client;
	}

	/**
	 * Set the observer told about publishes, deliveries and reconnections, for example to
	 * record metrics.
	 * @param observer the observer
	 */
	public void setObserver(Observer observer) {
		Assert.notNull(observer, "Observer must not be null");
		this.observer = observer;
	}

	private Observer observer() {
		return this.observer;
	}

	/**
	 * Return the broker settings.
	 * @return the settings
	 */
	public RedisSseBrokerSettings getSettings() {
		return this.settings;
	}

	/**
	 * Return whether the broker is connected to Redis.
	 * @return {@code true} when publishing and reading are possible
	 */
	public boolean isConnected() {
		return this.connector.current() != null;
	}

	/**
	 * Return why the broker is not connected.
	 * @return the last connection failure, or {@code null} when connected
	 */
	public @Nullable String getLastFailure() {
		return this.connector.lastFailure();
	}

	/**
	 * Return how many times the broker reconnected to Redis after losing it.
	 * @return the reconnection count
	 */
	public long getReconnectCount() {
		return this.connector.reconnects();
	}

	/**
	 * Return how many channels this instance currently reads from Redis.
	 * @return the number of channels with a local listener
	 */
	public int getReadChannelCount() {
		return this.streams.size();
	}

	@Override
	public SseEvent publish(String channel, SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("Channel events must not have an id, the broker assigns it: " + event);
		}
		RedisBrokerConnection connection = requireConnection(channel, "publish to");
		return this.publisher.publish(connection, channel, key(channel), event);
	}

	@Override
	public Replay replay(String channel, String lastEventId) {
		if (!SseEventIds.isValid(lastEventId)) {
			return Replay.lost();
		}
		RedisBrokerConnection connection = requireConnection(channel, "replay");
		return this.history.replay(connection, channel, key(channel), lastEventId);
	}

	/**
	 * Return the id of the newest entry of the channel's stream, or, when it has none, an
	 * id reserved with an entry that is deleted as it is added ({@code XADD} and
	 * {@code XDEL} in one script): the stream's {@code max-deleted-entry-id} is then that
	 * id, which {@link #replay(String, String)} accepts as long as nothing after it was
	 * trimmed.
	 * @param channel the channel name
	 * @return the position
	 */
	@Override
	public String position(String channel) {
		RedisBrokerConnection connection = requireConnection(channel, "read the position of");
		return this.history.position(connection, channel, key(channel));
	}

	/**
	 * Return the length of the channel's stream, or {@code 0} when Redis cannot tell
	 * (unavailable, or not answering in time): the history lives in Redis, so a channel
	 * this instance releases for that reason loses nothing.
	 * @param channel the channel name
	 * @return the history size
	 */
	@Override
	public long historySize(String channel) {
		try {
			RedisBrokerConnection connection = requireConnection(channel, "read the history size of");
			return this.history.size(connection, channel, key(channel));
		}
		catch (SseBrokerException ex) {
			logger.debug("History size of channel '" + channel + "' unknown, reporting 0: " + ex.getMessage());
			return 0;
		}
	}

	@Override
	public Registration listen(String channel, Listener listener) {
		Assert.notNull(listener, "Listener must not be null");
		ensureStarted();
		String key = key(channel);
		RedisStreamSubscription subscription = this.history.startingPoint(this.connector.current(), channel, key,
				listener);
		this.streams.add(subscription);
		return () -> this.streams.close(subscription);
	}

	private String key(String channel) {
		return this.settings.keyPrefix() + channel;
	}

	private RedisBrokerConnection requireConnection(String channel, String action) {
		ensureStarted();
		return this.connector.require(channel, action, this.state == State.STOPPED);
	}

	private void ensureStarted() {
		if (this.state == State.NEW) {
			start();
		}
	}

	/**
	 * Connect to Redis and start the reader thread. When Redis is unreachable, the broker
	 * starts anyway and keeps connecting in the background; until then publishing throws
	 * {@link SseBrokerException}.
	 */
	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.state == State.RUNNING) {
				return;
			}
			this.state = State.RUNNING;
			this.connector.connectAtStart();
			RedisStreamReader reader = new RedisStreamReader(this.connector, this.streams, this.settings,
					this::observer);
			this.reader = reader;
			reader.start();
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stop the reader thread and close the connections. Publishing then throws
	 * {@link SseBrokerException}.
	 */
	@Override
	public void stop() {
		RedisStreamReader reader;
		this.lifecycleLock.lock();
		try {
			if (this.state != State.RUNNING) {
				this.state = State.STOPPED;
				return;
			}
			this.state = State.STOPPED;
			reader = this.reader;
			this.reader = null;
		}
		finally {
			this.lifecycleLock.unlock();
		}
		if (reader != null) {
			reader.stop(this.settings.commandTimeout());
		}
		this.connector.close();
	}

	/**
	 * Stop the broker if it is still running, for example when the application context
	 * failed to start after a publish had started it.
	 */
	@Override
	public void destroy() {
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.state == State.RUNNING;
	}

	/**
	 * Return the lifecycle phase: after the Redis connection factory (phase 0) and before
	 * the web server, so that the broker stops after the last request and before Redis
	 * connections are closed.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return 1000;
	}

	/**
	 * Told about the broker's activity, for example to record metrics. Methods are called
	 * on publishing threads and on the reader thread and must return quickly.
	 */
	public interface Observer {

		/**
		 * An observer that ignores everything.
		 */
		Observer NONE = new Observer() {
		};

		/**
		 * Called after an event was appended to a channel's stream.
		 * @param channel the channel name
		 * @param nanos how long the append took
		 */
		default void published(String channel, long nanos) {
		}

		/**
		 * Called when the reader hands an entry to a channel's listeners.
		 * @param channel the channel name
		 * @param lagMillis milliseconds between the entry's id time (Redis clock) and now
		 * (local clock)
		 */
		default void delivered(String channel, long lagMillis) {
		}

		/**
		 * Called when the broker has reconnected to Redis after losing it.
		 */
		default void reconnected() {
		}

	}

	private enum State {

		NEW, RUNNING, STOPPED

	}

}
