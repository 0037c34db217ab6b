package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
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

	/** Stream field holding the event name. */
	static final String EVENT_FIELD = "event";

	/** Stream field holding the data. */
	static final String DATA_FIELD = "data";

	/** Stream field holding the reconnection time in milliseconds. */
	static final String RETRY_FIELD = "retry";

	/** Stream field holding the comment. */
	static final String COMMENT_FIELD = "comment";

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private static final String STREAM_START = "0-0";

	private static final long POLL_MILLIS = 50;

	private static final long AGE_TRIM_INTERVAL_MILLIS = 1000;

	private static final int AGE_TRIM_MEMORY = 10_000;

	private final Supplier<RedisClient> client;

	private final Settings settings;

	private volatile Observer observer = Observer.NONE;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final ReentrantLock wakeLock = new ReentrantLock();

	private final Condition wakeCondition = this.wakeLock.newCondition();

	private final Queue<Subscription> pending = new ConcurrentLinkedQueue<>();

	private final Map<String, StreamState> streams = new HashMap<>();

	private final Set<String> readKeys = ConcurrentHashMap.newKeySet();

	private final Map<String, Long> lastAgeTrim = new ConcurrentHashMap<>();

	private final AtomicBoolean unblockRequested = new AtomicBoolean();

	private final AtomicLong reconnects = new AtomicLong();

	private volatile State state = State.NEW;

	private volatile @Nullable Connections connections;

	private volatile @Nullable Thread reader;

	private volatile boolean readerBlocked;

	private volatile boolean everConnected;

	private volatile @Nullable String lastFailure = "not connected yet";

	/**
	 * Create a broker on the Lettuce client of the given connection factory.
	 * @param connectionFactory the application's connection factory
	 * @param settings the broker settings
	 * @throws IllegalStateException if the factory is configured for Redis Cluster
	 */
	public RedisSseChannelBroker(LettuceConnectionFactory connectionFactory, Settings settings) {
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
	public RedisSseChannelBroker(RedisClient client, Settings settings) {
		this(() -> client, settings);
	}

	private RedisSseChannelBroker(Supplier<RedisClient> client, Settings settings) {
		Assert.notNull(settings, "Settings must not be null");
		this.client = client;
		this.settings = settings;
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

	/**
	 * Return the broker settings.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * Return whether the broker is connected to Redis.
	 * @return {@code true} when publishing and reading are possible
	 */
	public boolean isConnected() {
		return this.connections != null;
	}

	/**
	 * Return why the broker is not connected.
	 * @return the last connection failure, or {@code null} when connected
	 */
	public @Nullable String getLastFailure() {
		return (this.connections != null) ? null : this.lastFailure;
	}

	/**
	 * Return how many times the broker reconnected to Redis after losing it.
	 * @return the reconnection count
	 */
	public long getReconnectCount() {
		return this.reconnects.get();
	}

	/**
	 * Return how many channels this instance currently reads from Redis.
	 * @return the number of channels with a local listener
	 */
	public int getReadChannelCount() {
		return this.readKeys.size();
	}

	@Override
	public SseEvent publish(String channel, SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("Channel events must not have an id, the broker assigns it: " + event);
		}
		Connections connections = requireConnections(channel, "publish to");
		String key = key(channel);
		long start = System.nanoTime();
		XAddArgs args = new XAddArgs().maxlen(this.settings.maxLength())
			.approximateTrimming(this.settings.approximateTrimming());
		String id = call(connections.commands().async().xadd(key, args, fields(event)), channel, "publish to");
		this.observer.published(channel, System.nanoTime() - start);
		trimByAge(connections, key);
		return event.mutate().id(id).build();
	}

	@Override
	public Replay replay(String channel, String lastEventId) {
		if (!SseEventIds.isValid(lastEventId)) {
			return Replay.lost();
		}
		Connections connections = requireConnections(channel, "replay");
		Range<String> fromLastId = Range.from(Range.Boundary.including(lastEventId), Range.Boundary.unbounded());
		List<StreamMessage<String, String>> entries = call(
				connections.commands().async().xrange(key(channel), fromLastId), channel, "replay");
		if (entries.isEmpty() || SseEventIds.compare(entries.get(0).getId(), lastEventId) != 0) {
			return Replay.lost();
		}
		List<SseEvent> events = new ArrayList<>(entries.size() - 1);
		for (StreamMessage<String, String> entry : entries.subList(1, entries.size())) {
			events.add(toEvent(entry));
		}
		return Replay.of(events);
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
			Connections connections = requireConnections(channel, "read the history size of");
			Long length = call(connections.commands().async().xlen(key(channel)), channel, "read the history size of");
			return (length != null) ? length : 0;
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
		Subscription subscription = startingPoint(channel, key, listener);
		this.pending.add(subscription);
		wakeReader(key);
		return subscription::close;
	}

	private Subscription startingPoint(String channel, String key, Listener listener) {
		Connections connections = this.connections;
		if (connections != null) {
			try {
				List<StreamMessage<String, String>> last = await(
						connections.commands().async().xrevrange(key, Range.create("-", "+"), Limit.from(1)));
				if (last.isEmpty()) {
					return new Subscription(key, channel, listener, STREAM_START, false);
				}
				return new Subscription(key, channel, listener, last.get(0).getId(), true);
			}
			catch (Exception ex) {
				logger.debug("Could not read the last entry of " + key + ", starting from the current time", ex);
			}
		}
		long since = System.currentTimeMillis() - this.settings.commandTimeout().toMillis();
		return new Subscription(key, channel, listener, SseEventIds.of(Math.max(0, since), 0), false);
	}

	private String key(String channel) {
		return this.settings.keyPrefix() + channel;
	}

	private static Map<String, String> fields(SseEvent event) {
		Map<String, String> fields = new LinkedHashMap<>(4);
		putIfPresent(fields, EVENT_FIELD, event.event());
		putIfPresent(fields, DATA_FIELD, event.data());
		Duration retry = event.retry();
		putIfPresent(fields, RETRY_FIELD, (retry != null) ? Long.toString(retry.toMillis()) : null);
		putIfPresent(fields, COMMENT_FIELD, event.comment());
		return fields;
	}

	private static void putIfPresent(Map<String, String> fields, String name, @Nullable String value) {
		if (value != null) {
			fields.put(name, value);
		}
	}

	static SseEvent toEvent(StreamMessage<String, String> entry) {
		Map<String, String> body = entry.getBody();
		String retry = body.get(RETRY_FIELD);
		return SseEvent.builder()
			.id(entry.getId())
			.event(body.get(EVENT_FIELD))
			.data(body.get(DATA_FIELD))
			.retry((retry != null) ? Duration.ofMillis(Long.parseLong(retry)) : null)
			.comment(body.get(COMMENT_FIELD))
			.build();
	}

	private void trimByAge(Connections connections, String key) {
		Duration maxAge = this.settings.maxAge();
		if (maxAge == null) {
			return;
		}
		long now = System.currentTimeMillis();
		Long last = this.lastAgeTrim.get(key);
		if (last != null && now - last < AGE_TRIM_INTERVAL_MILLIS) {
			return;
		}
		if (this.lastAgeTrim.size() > AGE_TRIM_MEMORY) {
			this.lastAgeTrim.clear();
		}
		this.lastAgeTrim.put(key, now);
		String minId = SseEventIds.of(Math.max(0, now - maxAge.toMillis()), 0);
		XTrimArgs args = new XTrimArgs().minId(minId).approximateTrimming(this.settings.approximateTrimming());
		connections.commands().async().xtrim(key, args).whenComplete((count, ex) -> {
			if (ex != null) {
				logger.debug("Could not trim " + key + " by age", ex);
			}
		});
		connections.commands().async().pexpire(key, maxAge.toMillis() + AGE_TRIM_INTERVAL_MILLIS);
	}

	private Connections requireConnections(String channel, String action) {
		ensureStarted();
		Connections connections = this.connections;
		if (connections == null) {
			if (this.state == State.STOPPED) {
				throw new SseBrokerException("Cannot " + action + " channel '" + channel + "': the broker is stopped");
			}
			throw new SseBrokerException(
					"Cannot " + action + " channel '" + channel + "': Redis is unavailable (" + this.lastFailure + ")");
		}
		return connections;
	}

	private <T> T call(RedisFuture<T> future, String channel, String action) {
		try {
			return future.get(this.settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new SseBrokerException("Interrupted while trying to " + action + " channel '" + channel + "'", ex);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new SseBrokerException("Could not " + action + " channel '" + channel
					+ "': Redis did not answer within " + this.settings.commandTimeout().toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new SseBrokerException("Could not " + action + " channel '" + channel + "': " + cause.getMessage(),
					cause);
		}
	}

	private <T> T await(RedisFuture<T> future) throws Exception {
		try {
			return future.get(this.settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw unwrap(ex);
		}
		finally {
			future.cancel(false);
		}
	}

	private static Exception unwrap(ExecutionException ex) {
		return (ex.getCause() instanceof Exception cause) ? cause : ex;
	}

	// Lifecycle

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
			try {
				connected(connect());
			}
			catch (Exception ex) {
				this.lastFailure = describe(ex);
				logger.warn("Redis is unavailable (" + this.lastFailure
						+ "); the SSE broker keeps trying to connect in the background, publishing fails until then");
			}
			Thread thread = new Thread(this::runReader, "sse-redis-reader");
			thread.setDaemon(true);
			this.reader = thread;
			thread.start();
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
		Thread thread;
		this.lifecycleLock.lock();
		try {
			if (this.state != State.RUNNING) {
				this.state = State.STOPPED;
				return;
			}
			this.state = State.STOPPED;
			thread = this.reader;
			this.reader = null;
		}
		finally {
			this.lifecycleLock.unlock();
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(this.settings.commandTimeout().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		disconnect(null);
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

	// Connections

	private Connections connect() throws Exception {
		RedisClient redisClient = this.client.get();
		DisconnectWatch watch = new DisconnectWatch();
		redisClient.addListener(watch);
		try {
			StatefulRedisConnection<String, String> commands = redisClient.connect(StringCodec.UTF8);
			try {
				StatefulRedisConnection<String, String> reads = redisClient.connect(StringCodec.UTF8);
				try {
					watch.watch(commands, reads);
					return new Connections(commands, reads, readerClientId(reads), redisClient, watch);
				}
				catch (Exception ex) {
					reads.close();
					throw ex;
				}
			}
			catch (Exception ex) {
				commands.close();
				throw ex;
			}
		}
		catch (Exception ex) {
			redisClient.removeListener(watch);
			throw ex;
		}
	}

	private long readerClientId(StatefulRedisConnection<String, String> reads) throws Exception {
		try {
			Long id = await(reads.async().clientId());
			return (id != null) ? id : -1;
		}
		catch (RedisCommandExecutionException ex) {
			logger.debug("CLIENT ID refused, new channels are picked up within one read block", ex);
			return -1;
		}
	}

	private void connected(Connections connections) {
		this.connections = connections;
		if (this.everConnected) {
			this.reconnects.incrementAndGet();
			this.observer.reconnected();
			logger.info("Reconnected to Redis, resuming channels from their last read entries");
		}
		this.everConnected = true;
		this.lastFailure = null;
	}

	private void disconnect(@Nullable Exception cause) {
		Connections connections = this.connections;
		this.connections = null;
		if (cause != null) {
			String failure = describe(cause);
			if (connections != null) {
				logger.warn("Lost the connection to Redis (" + failure + "); publishing fails until it is back");
			}
			else if (!failure.equals(this.lastFailure)) {
				logger.debug("Still cannot connect to Redis: " + failure);
			}
			this.lastFailure = failure;
		}
		else {
			this.lastFailure = "the broker is stopped";
		}
		if (connections != null) {
			connections.close();
		}
	}

	private static String describe(Exception ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	private void wakeReader(String key) {
		if (this.readKeys.contains(key)) {
			return;
		}
		this.wakeLock.lock();
		try {
			this.wakeCondition.signalAll();
		}
		finally {
			this.wakeLock.unlock();
		}
		Connections connections = this.connections;
		if (connections != null && connections.readerId() >= 0 && this.readerBlocked
				&& this.unblockRequested.compareAndSet(false, true)) {
			connections.commands().async().clientUnblock(connections.readerId(), UnblockType.TIMEOUT);
		}
	}

	// Reader thread

	private void runReader() {
		Backoff backoff = new Backoff(this.settings.minBackoff(), this.settings.maxBackoff());
		while (this.state == State.RUNNING) {
			try {
				Connections connections = this.connections;
				if (connections == null) {
					connections = connect();
					connected(connections);
					this.streams.values().forEach((stream) -> stream.checkHistory = true);
				}
				backoff.reset();
				adoptSubscriptions();
				if (this.streams.isEmpty()) {
					idle(connections);
				}
				else {
					checkHistory(connections);
					dispatch(read(connections));
				}
			}
			catch (InterruptedException ex) {
				if (this.state == State.RUNNING) {
					Thread.interrupted();
				}
			}
			catch (Exception ex) {
				if (this.state != State.RUNNING) {
					break;
				}
				disconnect(ex);
				if (!sleep(backoff.next())) {
					break;
				}
			}
		}
	}

	private boolean sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	private void adoptSubscriptions() {
		Subscription subscription;
		while ((subscription = this.pending.poll()) != null) {
			if (subscription.closed) {
				continue;
			}
			StreamState stream = this.streams.get(subscription.key);
			if (stream == null) {
				stream = new StreamState(subscription.key, subscription.channel, subscription.start,
						subscription.confirmed);
				this.streams.put(subscription.key, stream);
				this.readKeys.add(subscription.key);
			}
			else if (SseEventIds.compare(subscription.start, stream.position) < 0) {
				stream.position = subscription.start;
				stream.confirmed = subscription.confirmed;
			}
			stream.subscriptions.add(subscription);
		}
		for (Iterator<StreamState> streams = this.streams.values().iterator(); streams.hasNext();) {
			StreamState stream = streams.next();
			stream.subscriptions.removeIf((candidate) -> candidate.closed);
			if (stream.subscriptions.isEmpty()) {
				streams.remove();
				this.readKeys.remove(stream.key);
			}
		}
	}

	private void idle(Connections connections) throws Exception {
		long deadline = System.nanoTime() + this.settings.readBlock().toNanos();
		this.wakeLock.lock();
		try {
			while (this.pending.isEmpty() && System.nanoTime() < deadline) {
				this.wakeCondition.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
				checkOpen(connections);
			}
		}
		finally {
			this.wakeLock.unlock();
		}
		if (this.pending.isEmpty()) {
			awaitRead(connections, connections.reads().async().ping());
		}
	}

	private void checkHistory(Connections connections) throws Exception {
		for (StreamState stream : this.streams.values()) {
			if (stream.checkHistory && stream.confirmed && !holds(connections, stream.key, stream.position)) {
				logger.warn("History of " + stream.key + " no longer holds " + stream.position
						+ ", the last entry read; its subscribers are told their history is lost");
				stream.position = STREAM_START;
				stream.confirmed = false;
				for (Subscription subscription : stream.subscriptions) {
					subscription.lastDelivered = null;
					notifyHistoryLost(subscription);
				}
			}
			stream.checkHistory = false;
		}
	}

	private boolean holds(Connections connections, String key, String id) throws Exception {
		if (!awaitRead(connections, connections.reads().async().xrange(key, Range.create(id, id))).isEmpty()) {
			return true;
		}
		List<StreamMessage<String, String>> first = awaitRead(connections,
				connections.reads().async().xrange(key, Range.create("-", "+"), Limit.from(1)));
		return !first.isEmpty() && SseEventIds.compare(first.get(0).getId(), id) < 0;
	}

	private List<StreamMessage<String, String>> read(Connections connections) throws Exception {
		long block = Math.max(1,
				Math.min(this.settings.readBlock().toMillis(), connections.reads().getTimeout().toMillis() / 2));
		XReadArgs args = XReadArgs.Builder.block(block).count(this.settings.readBatchSize());
		@SuppressWarnings("unchecked")
		XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[this.streams.size()];
		int i = 0;
		for (StreamState stream : this.streams.values()) {
			offsets[i++] = XReadArgs.StreamOffset.from(stream.key, stream.position);
		}
		this.unblockRequested.set(false);
		this.readerBlocked = true;
		try {
			return awaitRead(connections, connections.reads().async().xread(args, offsets));
		}
		finally {
			this.readerBlocked = false;
		}
	}

	private <T> T awaitRead(Connections connections, RedisFuture<T> future) throws Exception {
		long deadline = System.nanoTime() + this.settings.readBlock().toNanos()
				+ this.settings.commandTimeout().toNanos();
		try {
			while (true) {
				try {
					return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					checkOpen(connections);
					if (System.nanoTime() > deadline) {
						throw new RedisUnavailableException("Redis did not answer a read within "
								+ (this.settings.readBlock().plus(this.settings.commandTimeout()).toMillis()) + " ms");
					}
				}
				catch (ExecutionException ex) {
					throw unwrap(ex);
				}
			}
		}
		finally {
			future.cancel(false);
		}
	}

	private static void checkOpen(Connections connections) {
		if (connections.watch().disconnected() || !connections.reads().isOpen() || !connections.commands().isOpen()) {
			throw new RedisUnavailableException("connection closed");
		}
	}

	private void dispatch(List<StreamMessage<String, String>> entries) {
		long lagThreshold = Math.max(1, Math.min(this.settings.readBatchSize(), this.settings.maxLength() / 2));
		int from = 0;
		while (from < entries.size()) {
			String key = entries.get(from).getStream();
			int to = from + 1;
			while (to < entries.size() && entries.get(to).getStream().equals(key)) {
				to++;
			}
			StreamState stream = this.streams.get(key);
			if (stream != null) {
				List<StreamMessage<String, String>> run = entries.subList(from, to);
				stream.position = run.get(run.size() - 1).getId();
				stream.confirmed = true;
				stream.checkHistory = run.size() >= lagThreshold;
				deliver(stream, run);
			}
			from = to;
		}
	}

	private void deliver(StreamState stream, List<StreamMessage<String, String>> entries) {
		List<SseEvent> events = new ArrayList<>(entries.size());
		long now = System.currentTimeMillis();
		for (StreamMessage<String, String> entry : entries) {
			try {
				events.add(toEvent(entry));
				this.observer.delivered(stream.channel, now - SseEventIds.millis(entry.getId()));
			}
			catch (RuntimeException ex) {
				logger.warn("Skipping entry " + entry.getId() + " of " + stream.key + ", not an SSE event: " + ex);
			}
		}
		for (Subscription subscription : stream.subscriptions) {
			List<SseEvent> fresh = unseen(subscription, events);
			if (subscription.closed || fresh.isEmpty()) {
				continue;
			}
			subscription.lastDelivered = fresh.get(fresh.size() - 1).id();
			try {
				subscription.listener.onEvents(fresh);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener of channel '" + subscription.channel + "' failed on events up to "
						+ subscription.lastDelivered, ex);
			}
		}
	}

	private static List<SseEvent> unseen(Subscription subscription, List<SseEvent> events) {
		String last = subscription.lastDelivered;
		if (last == null) {
			return events;
		}
		for (int i = 0; i < events.size(); i++) {
			if (SseEventIds.compare(Objects.requireNonNull(events.get(i).id()), last) > 0) {
				return (i == 0) ? events : events.subList(i, events.size());
			}
		}
		return List.of();
	}

	private static void notifyHistoryLost(Subscription subscription) {
		if (subscription.closed) {
			return;
		}
		try {
			subscription.listener.onHistoryLost();
		}
		catch (RuntimeException ex) {
			logger.warn("Listener of channel '" + subscription.channel + "' failed on history lost", ex);
		}
	}

	/**
	 * Settings of a {@link RedisSseChannelBroker}.
	 *
	 * @param keyPrefix prefix of the stream keys, followed by the channel name
	 * @param maxLength most entries a channel's stream keeps
	 * @param maxAge age after which entries are trimmed, or {@code null} for no age limit
	 * @param approximateTrimming whether to trim with {@code ~} (cheaper for Redis, keeps
	 * somewhat more than the limits)
	 * @param readBlock how long one blocking read waits for new entries
	 * @param readBatchSize most entries one read takes per channel
	 * @param minBackoff first wait before reconnecting after Redis is lost
	 * @param maxBackoff longest wait between reconnection attempts
	 * @param commandTimeout how long a command may take before it fails
	 */
	public record Settings(String keyPrefix, long maxLength, @Nullable Duration maxAge, boolean approximateTrimming,
			Duration readBlock, int readBatchSize, Duration minBackoff, Duration maxBackoff, Duration commandTimeout) {

		/**
		 * Validate the settings.
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public Settings {
			Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
			Assert.isTrue(maxLength >= 1, () -> "'maxLength' must be at least 1, was " + maxLength);
			Assert.isTrue(maxAge == null || isPositive(maxAge), () -> "'maxAge' must be positive, was " + maxAge);
			Assert.isTrue(isPositive(readBlock), () -> "'readBlock' must be positive, was " + readBlock);
			Assert.isTrue(readBatchSize >= 1, () -> "'readBatchSize' must be at least 1, was " + readBatchSize);
			Assert.isTrue(isPositive(minBackoff), () -> "'minBackoff' must be positive, was " + minBackoff);
			Assert.isTrue(maxBackoff.compareTo(minBackoff) >= 0,
					() -> "'maxBackoff' must not be less than 'minBackoff', was " + maxBackoff);
			Assert.isTrue(isPositive(commandTimeout), () -> "'commandTimeout' must be positive, was " + commandTimeout);
		}

		/**
		 * Return the default settings: prefix {@code sse:channel:}, 1000 entries, no age
		 * limit, exact trimming, reads blocking 1 s and taking up to 1000 entries,
		 * reconnection backoff from 100 ms to 5 s, commands timing out after 5 s.
		 * @return the default settings
		 */
		public static Settings defaults() {
			return new Settings("sse:channel:", 1000, null, false, Duration.ofSeconds(1), 1000, Duration.ofMillis(100),
					Duration.ofSeconds(5), Duration.ofSeconds(5));
		}

		private static boolean isPositive(Duration duration) {
			return !duration.isNegative() && !duration.isZero();
		}

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

	private record Connections(StatefulRedisConnection<String, String> commands,
			StatefulRedisConnection<String, String> reads, long readerId, RedisClient client, DisconnectWatch watch) {

		void close() {
			this.client.removeListener(this.watch);
			this.reads.close();
			this.commands.close();
		}

	}

	/**
	 * Remembers that one of the broker's connections dropped, even if Lettuce reconnected
	 * it at once: a restarted Redis may have lost its data, and a blocking read that
	 * Lettuce sends again on the new connection would never say so. The reader treats a
	 * drop as a lost connection and reconnects itself, checking the history of every
	 * channel.
	 */
	private static final class DisconnectWatch implements RedisConnectionStateListener {

		private final Set<Object> watched = ConcurrentHashMap.newKeySet();

		private volatile boolean disconnected;

		void watch(Object... connections) {
			this.watched.addAll(List.of(connections));
		}

		boolean disconnected() {
			return this.disconnected;
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			if (this.watched.contains(connection)) {
				this.disconnected = true;
			}
		}

	}

	private static final class Subscription {

		private final String key;

		private final String channel;

		private final Listener listener;

		private final String start;

		private final boolean confirmed;

		private volatile @Nullable String lastDelivered;

		private volatile boolean closed;

		Subscription(String key, String channel, Listener listener, String start, boolean confirmed) {
			this.key = key;
			this.channel = channel;
			this.listener = listener;
			this.start = start;
			this.confirmed = confirmed;
			this.lastDelivered = start;
		}

		void close() {
			this.closed = true;
		}

	}

	private static final class StreamState {

		private final String key;

		private final String channel;

		private final List<Subscription> subscriptions = new ArrayList<>(1);

		private String position;

		private boolean confirmed;

		private boolean checkHistory;

		StreamState(String key, String channel, String position, boolean confirmed) {
			this.key = key;
			this.channel = channel;
			this.position = position;
			this.confirmed = confirmed;
		}

	}

	private static final class Backoff {

		private final long minMillis;

		private final long maxMillis;

		private long nextMillis;

		Backoff(Duration min, Duration max) {
			this.minMillis = min.toMillis();
			this.maxMillis = max.toMillis();
			this.nextMillis = this.minMillis;
		}

		Duration next() {
			long current = this.nextMillis;
			this.nextMillis = Math.min(this.maxMillis, current * 2);
			long jittered = current / 2 + ThreadLocalRandom.current().nextLong(current / 2 + 1);
			return Duration.ofMillis(Math.max(1, jittered));
		}

		void reset() {
			this.nextMillis = this.minMillis;
		}

	}

	private static final class RedisUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RedisUnavailableException(String message) {
			super(message);
		}

	}

}
