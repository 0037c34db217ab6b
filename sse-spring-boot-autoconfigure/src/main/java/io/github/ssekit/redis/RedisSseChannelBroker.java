package io.github.ssekit.redis;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.RedisClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * {@link SseChannelBroker} on Redis Streams, so that several instances of an application
 * share their channels and their history.
 * <p>
 * Each channel is the stream {@code <key-prefix><channel>}. A publish is one {@code XADD}
 * that also trims the stream to the history's maximum length; the entry id Redis assigns
 * is the event id, so ids are global and ordered per channel. With a maximum age, a
 * publish also trims older entries and sets the key to expire one maximum age after it
 * (both at most once a second per channel), so the stream of a channel nobody publishes
 * to any more disappears. A replay is one {@code XRANGE} from the client's last id.
 * <p>
 * Each instance has one reader thread, whatever the number of channels and subscribers.
 * It reads the streams of the channels that have a local listener with one blocking
 * {@code XREAD} on a connection of its own, and hands each entry, in order, to the
 * channel, which encodes it once for all its local subscribers. Channels without local
 * listeners cost nothing.
 * <p>
 * When Redis is lost, publishing throws {@link SseBrokerException} at once, the reader
 * reconnects with exponential backoff and jitter, and then resumes every channel from the
 * last entry it read: entries other instances appended meanwhile are delivered in order.
 * When that entry is no longer in the stream (the history was trimmed past it, or Redis
 * lost its data), the listener gets {@link Listener#onHistoryLost()} and reading goes on
 * from the oldest entry still held.
 * <p>
 * Uses the Lettuce client of the application's {@link LettuceConnectionFactory} (its
 * address, credentials and TLS settings), with two connections of its own: one for
 * commands and one for the blocking reads. Redis Cluster is not supported.
 *
 * @author ssekit
 */
public class RedisSseChannelBroker implements SseChannelBroker, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

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
	 * Create a broker on the Lettuce client of the given connection factory.
	 * @param connectionFactory the application's connection factory
	 * @param settings the broker settings
	 * @throws IllegalStateException if the factory is configured for Redis Cluster
	 */
	public RedisSseChannelBroker(LettuceConnectionFactory connectionFactory, RedisSseBrokerSettings settings) {
		this(() -> nativeClient(connectionFactory), settings);
		if (connectionFactory.isClusterAware()) {
			throw new IllegalStateException("The Redis SSE broker does not support Redis Cluster "
					+ "(spring.data.redis.cluster.*); use a standalone or Sentinel-managed Redis");
		}
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

	private RedisSseChannelBroker(Supplier<RedisClient> client, RedisSseBrokerSettings settings) {
		Assert.notNull(settings, "Settings must not be null");
		this.settings = settings;
		this.connector = new RedisConnector(client, settings.commandTimeout(), this::observer);
		this.publisher = new RedisStreamPublisher(settings, "", this::observer);
		this.history = new RedisStreamHistory(settings);
	}

	private static RedisClient nativeClient(LettuceConnectionFactory connectionFactory) {
		if (connectionFactory.getNativeClient() instanceof RedisClient redisClient) {
			return redisClient;
		}
		throw new IllegalStateException("Redis connection factory has no standalone or Sentinel Lettuce client "
				+ "(not started yet, or configured for Cluster or static master/replica)");
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
		RedisStreamReader reader = this.reader;
		if (reader != null) {
			reader.wake(key);
		}
		return subscription::close;
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
