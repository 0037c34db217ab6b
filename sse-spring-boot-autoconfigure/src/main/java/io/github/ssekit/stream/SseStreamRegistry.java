package io.github.ssekit.stream;

import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.TooManyStreamsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps track of the open streams and serves them all from one scheduler thread: idle
 * streams get heartbeat comments, streams past their maximum lifetime are closed, and
 * streams whose client took no bytes for the write timeout are evicted. The thread wakes
 * once a tick but visits only the streams that something may be due for, which a timing
 * wheel ({@link StreamTimers}) files by time: an idle stream about once per heartbeat
 * interval, a stalled one when its write timeout would pass. On shutdown it closes every
 * stream before the web server's graceful shutdown starts waiting, so open streams do not
 * hold the application up.
 *
 * @author ssekit
 */
public class SseStreamRegistry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SseStreamRegistry.class);

	private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** How long after a tick of the wheel begins the scheduler serves it. */
	private static final long TICK_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/**
	 * How long a stream that would be refused for a limit waits for closed connections to
	 * show themselves.
	 */
	private static final long RECLAIM_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/**
	 * The least time between two probes of one stream: the first write after a client's
	 * close succeeds and draws the peer's reset, the next one fails.
	 */
	private static final long PROBE_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/**
	 * At most this many requests wait at once for a limit to show room; any more are
	 * refused at once, so a burst of requests over a limit cannot hold a pool's threads.
	 */
	static final int MAX_RECLAIMING = 8;

	private final Set<DefaultSseStream> streams = ConcurrentHashMap.newKeySet();

	private final AtomicInteger reclaiming = new AtomicInteger();

	/** When the streams were last probed for the global limit, by any waiting request. */
	private final AtomicLong lastGlobalProbe = probeClock();

	private final AtomicInteger openStreams = new AtomicInteger();

	private final ConcurrentHashMap<String, Integer> streamsPerOwner = new ConcurrentHashMap<>();

	private final Settings settings;

	private final StreamObserver observer;

	private final long tickNanos;

	/** When each stream is next visited, served by the scheduler thread. */
	private final StreamTimers timers;

	private volatile @Nullable ScheduledThreadPoolExecutor scheduler;

	private volatile boolean shuttingDown;

	/** Completed when the last stream has gone, once shutdown has begun. */
	private volatile @Nullable CompletableFuture<Void> drained;

	private volatile boolean running;

	/**
	 * Create a registry that tells no observer about its streams.
	 * @param settings the timing and shutdown settings
	 */
	public SseStreamRegistry(Settings settings) {
		this(settings, StreamObserver.NONE);
	}

	/**
	 * Create a registry.
	 * @param settings the timing and shutdown settings
	 * @param observer the observer told about every stream, for metrics
	 */
	public SseStreamRegistry(Settings settings, StreamObserver observer) {
		this.settings = settings;
		this.observer = observer;
		this.tickNanos = tickNanos();
		this.timers = new StreamTimers(System.nanoTime(), (this.tickNanos > 0) ? this.tickNanos : MAX_TICK_NANOS,
				horizonNanos());
		initialize(DefaultSseStream.class);
	}

	/**
	 * Initialise a class used by every request now, on the thread that builds the
	 * registry: a virtual thread that waits for another to initialise a class is pinned
	 * to its carrier (JDK 25), which would happen when the first requests arrive at once.
	 */
	private static void initialize(Class<?> type) {
		try {
			MethodHandles.lookup().ensureInitialized(type);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	StreamObserver observer() {
		return this.observer;
	}

	@Nullable Duration writeTimeout() {
		return this.settings.writeTimeout();
	}

	/**
	 * Return how many streams are open or still writing their last events.
	 * @return the number of streams
	 */
	public int size() {
		return this.streams.size();
	}

	/**
	 * Create and register a stream.
	 * @param options the stream options
	 * @return the new stream, already closed when the application is shutting down
	 * @throws TooManyStreamsException if the maximum number of streams is open
	 */
	public DefaultSseStream open(StreamOptions options) {
		return open(options, null);
	}

	/**
	 * Create and register a stream for the given owner, counted against
	 * {@code sse.max-streams} and, for an owner, the per-user limit.
	 * @param options the stream options
	 * @param owner who opened it, or {@code null} if not known
	 * @return the new stream, already closed when the application is shutting down
	 * @throws TooManyStreamsException if the maximum number of streams, or of the owner's
	 * streams, is open
	 */
	public DefaultSseStream open(StreamOptions options, @Nullable StreamOwner owner) {
		Duration retryAfter = (options.retry() != null) ? options.retry() : Duration.ofSeconds(5);
		Integer maxStreams = this.settings.maxStreams();
		int max = (maxStreams != null) ? maxStreams : Integer.MAX_VALUE;
		if (!acquireSlot(max)) {
			throw new TooManyStreamsException(max, retryAfter);
		}
		Integer perUser = this.settings.maxStreamsPerUser();
		String key = (owner != null) ? owner.key() : null;
		if (perUser != null && key != null && !acquireOwnerSlot(key, perUser)) {
			this.openStreams.decrementAndGet();
			throw TooManyStreamsException.perUser(perUser, retryAfter);
		}
		DefaultSseStream stream = new DefaultSseStream(this, options, owner);
		this.streams.add(stream);
		this.observer.streamOpened();
		scheduleNext(stream, stream.openedAt());
		if (this.shuttingDown) {
			stream.close(CloseReason.SHUTDOWN);
		}
		return stream;
	}

	private boolean acquireSlot(int maxStreams) {
		return tryAcquireSlot(maxStreams)
				|| (reclaim((stream) -> true, () -> this.openStreams.get() < maxStreams, this.lastGlobalProbe)
						&& tryAcquireSlot(maxStreams));
	}

	private boolean tryAcquireSlot(int maxStreams) {
		if (this.openStreams.incrementAndGet() > maxStreams) {
			this.openStreams.decrementAndGet();
			return false;
		}
		return true;
	}

	private boolean acquireOwnerSlot(String key, int max) {
		return tryAcquireOwnerSlot(key, max) || (reclaim((stream) -> isOwnedBy(stream, key),
				() -> this.streamsPerOwner.getOrDefault(key, 0) < max, probeClock()) && tryAcquireOwnerSlot(key, max));
	}

	/**
	 * A clock of the last probe pass, due at once.
	 */
	private static AtomicLong probeClock() {
		return new AtomicLong(System.nanoTime() - PROBE_SPACING_NANOS);
	}

	private static boolean isOwnedBy(DefaultSseStream stream, String key) {
		StreamOwner owner = stream.owner();
		return owner != null && key.equals(owner.key());
	}

	/**
	 * Find out, before refusing a stream for a limit, whether some of the streams that
	 * fill it have lost their client. A client that closes its connection is not noticed
	 * until a write fails, and the servlet API tells of no close without one, so every
	 * candidate stream with nothing queued gets a heartbeat comment, again every
	 * {@link #PROBE_SPACING_NANOS}, until there is room or {@link #RECLAIM_NANOS} has
	 * passed. Only the request that would be refused waits, on its own thread; the
	 * requests waiting for the global limit share one pass per probe spacing, and at most
	 * {@link #MAX_RECLAIMING} requests wait at once (any more are refused at once).
	 * @param candidates the streams that fill the limit
	 * @param room whether the limit has room now
	 * @param lastProbe when the candidates were last probed
	 * @return whether the limit has room
	 */
	private boolean reclaim(Predicate<DefaultSseStream> candidates, BooleanSupplier room, AtomicLong lastProbe) {
		if (this.reclaiming.incrementAndGet() > MAX_RECLAIMING) {
			this.reclaiming.decrementAndGet();
			return room.getAsBoolean();
		}
		try {
			return awaitRoom(candidates, room, lastProbe);
		}
		finally {
			this.reclaiming.decrementAndGet();
		}
	}

	private boolean awaitRoom(Predicate<DefaultSseStream> candidates, BooleanSupplier room, AtomicLong lastProbe) {
		long deadline = System.nanoTime() + RECLAIM_NANOS;
		while (true) {
			long now = System.nanoTime();
			long last = lastProbe.get();
			// one pass over the candidates per probe spacing, whoever is waiting
			if (now - last >= PROBE_SPACING_NANOS && lastProbe.compareAndSet(last, now)) {
				for (DefaultSseStream stream : this.streams) {
					if (candidates.test(stream)) {
						stream.heartbeat(now, PROBE_SPACING_NANOS);
					}
				}
			}
			if (room.getAsBoolean()) {
				return true;
			}
			if (now - deadline >= 0) {
				return false;
			}
			LockSupport.parkNanos(PROBE_SPACING_NANOS / 5);
			if (Thread.currentThread().isInterrupted()) {
				return room.getAsBoolean();
			}
		}
	}

	/**
	 * File a stream whose client has just stopped taking bytes for a visit when its write
	 * timeout would pass. Called by the stream's writer, from any thread, when it first
	 * finds the transport not ready.
	 * @param stream the stream
	 */
	void stalled(DefaultSseStream stream) {
		Duration writeTimeout = this.settings.writeTimeout();
		long since = stream.stalledSince();
		if (writeTimeout != null && since != 0) {
			this.timers.schedule(stream, since + writeTimeout.toNanos());
		}
	}

	void unregister(DefaultSseStream stream) {
		this.timers.cancel(stream);
		if (this.streams.remove(stream)) {
			this.openStreams.decrementAndGet();
			CompletableFuture<Void> drained = this.drained;
			if (drained != null && this.streams.isEmpty()) {
				drained.complete(null);
			}
			StreamOwner owner = stream.owner();
			String key = (owner != null && this.settings.maxStreamsPerUser() != null) ? owner.key() : null;
			if (key != null) {
				this.streamsPerOwner.computeIfPresent(key, (k, count) -> (count > 1) ? count - 1 : null);
			}
		}
	}

	private boolean tryAcquireOwnerSlot(String key, int max) {
		boolean[] acquired = new boolean[1];
		this.streamsPerOwner.compute(key, (k, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= max) {
				return count;
			}
			acquired[0] = true;
			return current + 1;
		});
		return acquired[0];
	}

	/**
	 * Close, at once and without writing what is still queued, every open stream of the
	 * principal with the given name.
	 * @param principalName the principal's name
	 * @return how many streams were closed
	 */
	public int closeStreamsOf(String principalName) {
		return abortWhere((owner) -> owner.isPrincipalNamed(principalName), CloseReason.PRINCIPAL_REVOKED);
	}

	/**
	 * Close, at once and without writing what is still queued, every open stream opened
	 * in the HTTP session with the given id.
	 * @param sessionId the session's id
	 * @return how many streams were closed
	 */
	public int closeSessionStreams(String sessionId) {
		return abortWhere((owner) -> sessionId.equals(owner.sessionId()), CloseReason.SESSION_ENDED);
	}

	/**
	 * Return whether streams count against a per-user limit, so their owners need a key.
	 * @return whether {@code sse.max-streams-per-user} is set
	 */
	public boolean limitsStreamsPerUser() {
		return this.settings.maxStreamsPerUser() != null;
	}

	private int abortWhere(Predicate<StreamOwner> ownedBy, CloseReason reason) {
		int closed = 0;
		for (DefaultSseStream stream : this.streams) {
			StreamOwner owner = stream.owner();
			if (owner != null && ownedBy.test(owner) && stream.isOpen()) {
				stream.abort(reason, null);
				closed++;
			}
		}
		return closed;
	}

	@Override
	public void start() {
		this.shuttingDown = false;
		this.drained = null;
		this.running = true;
		long tick = this.tickNanos;
		if (tick > 0 && this.scheduler == null) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "sse-heartbeat");
				thread.setDaemon(true);
				return thread;
			});
			executor.setRemoveOnCancelPolicy(true);
			// at a fixed rate, just after each of the wheel's ticks begins: a stream
			// is visited at most one tick after it is due
			long delay = this.timers.nanosToNextTick(System.nanoTime()) + TICK_LAG_NANOS;
			executor.scheduleAtFixedRate(this::tick, delay, tick, TimeUnit.NANOSECONDS);
			this.scheduler = executor;
		}
	}

	@Override
	public void stop() {
		this.shuttingDown = true;
		closeAll();
		ScheduledThreadPoolExecutor executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop before the web server's graceful shutdown, so it finds no open streams.
	 * @return a phase above the graceful shutdown phase
	 */
	@Override
	public int getPhase() {
		return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 512;
	}

	/**
	 * Visit the streams that something is due for: evict those stalled past the write
	 * timeout, close those past their maximum lifetime, and send heartbeats that are due.
	 * Run by the registry's own thread, once a tick.
	 */
	public void tick() {
		tick(System.nanoTime());
	}

	/**
	 * Visit the streams that something is due for by the given time.
	 * @param now the current {@link System#nanoTime()}
	 */
	void tick(long now) {
		// one thread at a time: the scheduler's, or a test's
		synchronized (this.timers) {
			this.timers.advance(now, this::visit);
		}
	}

	StreamTimers timers() {
		return this.timers;
	}

	private void visit(DefaultSseStream stream, long now) {
		try {
			Duration writeTimeout = this.settings.writeTimeout();
			if (writeTimeout != null && stream.isStalledLongerThan(now, writeTimeout.toNanos())) {
				stream.abort(CloseReason.WRITE_TIMEOUT, null);
				return;
			}
			Duration lifetime = this.settings.maxLifetime();
			Duration interval = this.settings.heartbeatInterval();
			if (lifetime != null && stream.isOpen() && stream.isOlderThan(now, lifetime.toNanos())) {
				stream.close(CloseReason.MAX_LIFETIME);
			}
			else if (interval != null) {
				stream.heartbeat(now, interval.toNanos());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("SSE heartbeat tick failed for a stream", ex);
		}
		scheduleNext(stream, now);
	}

	/**
	 * File the stream for its next visit: when its write timeout passes if it is stalled,
	 * and, while it is open, when it reaches its maximum lifetime or its heartbeat could
	 * be due (an interval after it last queued anything, or an interval from now if that
	 * has passed and the heartbeat was not sent, for bytes were waiting).
	 */
	private void scheduleNext(DefaultSseStream stream, long now) {
		long due = 0;
		boolean any = false;
		Duration writeTimeout = this.settings.writeTimeout();
		long stalledSince = stream.stalledSince();
		if (writeTimeout != null && stalledSince != 0) {
			due = stalledSince + writeTimeout.toNanos();
			any = true;
		}
		if (stream.isOpen()) {
			Duration lifetime = this.settings.maxLifetime();
			if (lifetime != null) {
				long expires = stream.openedAt() + lifetime.toNanos();
				due = (!any || expires - due < 0) ? expires : due;
				any = true;
			}
			Duration interval = this.settings.heartbeatInterval();
			if (interval != null && !interval.isZero()) {
				long heartbeat = stream.lastEnqueuedAt() + interval.toNanos();
				heartbeat = (heartbeat - now > 0) ? heartbeat : now + interval.toNanos();
				due = (!any || heartbeat - due < 0) ? heartbeat : due;
				any = true;
			}
		}
		if (any) {
			this.timers.schedule(stream, due);
		}
	}

	private void closeAll() {
		if (this.streams.isEmpty()) {
			return;
		}
		int count = this.streams.size();
		CompletableFuture<Void> drained = new CompletableFuture<>();
		this.drained = drained;
		SseEvent finalEvent = this.settings.finalEvent();
		for (DefaultSseStream stream : this.streams) {
			if (finalEvent != null && stream.isOpen()) {
				try {
					stream.publish(finalEvent);
				}
				catch (SseStreamClosedException ex) {
					// the client went away meanwhile
				}
			}
			stream.close(CloseReason.SHUTDOWN);
		}
		awaitDrained(drained);
		for (DefaultSseStream stream : this.streams) {
			stream.abort(CloseReason.SHUTDOWN, null);
		}
		logger.info("Closed " + count + " SSE stream(s) for shutdown");
	}

	/**
	 * Wait, at most the shutdown timeout, for every stream to have written its last bytes
	 * and gone.
	 */
	private void awaitDrained(CompletableFuture<Void> drained) {
		if (this.streams.isEmpty()) {
			drained.complete(null);
		}
		try {
			drained.get(this.settings.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (TimeoutException | ExecutionException ex) {
			// the streams still open are aborted
		}
	}

	/**
	 * How far ahead streams are usually filed: the longest of the heartbeat interval and
	 * the write timeout, or the maximum lifetime without them.
	 */
	private long horizonNanos() {
		long horizon = 0;
		for (Duration duration : new Duration[] { this.settings.heartbeatInterval(), this.settings.writeTimeout() }) {
			if (duration != null) {
				horizon = Math.max(horizon, duration.toNanos());
			}
		}
		Duration lifetime = this.settings.maxLifetime();
		return (horizon == 0 && lifetime != null) ? lifetime.toNanos() : horizon;
	}

	private long tickNanos() {
		long shortest = Long.MAX_VALUE;
		for (Duration duration : new Duration[] { this.settings.heartbeatInterval(), this.settings.writeTimeout(),
				this.settings.maxLifetime() }) {
			if (duration != null && !duration.isZero()) {
				shortest = Math.min(shortest, duration.toNanos());
			}
		}
		if (shortest == Long.MAX_VALUE) {
			return 0;
		}
		return Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, shortest / 4));
	}

	/**
	 * Timing and shutdown settings.
	 *
	 * @param heartbeatInterval how long a stream may be idle before a heartbeat, or
	 * {@code null} for no heartbeats
	 * @param maxLifetime how long a stream may live, or {@code null} for no limit
	 * @param writeTimeout how long a client may take no bytes before eviction, or
	 * {@code null} for no limit
	 * @param finalEvent an event sent to every stream on shutdown, or {@code null}
	 * @param shutdownTimeout how long shutdown waits for streams to write their last
	 * events
	 * @param maxStreams the most streams open at once, or {@code null} for no limit
	 * @param maxStreamsPerUser the most streams one principal (or, anonymous, one remote
	 * address) may have open at once, or {@code null} for no limit
	 */
	public record Settings(@Nullable Duration heartbeatInterval, @Nullable Duration maxLifetime,
			@Nullable Duration writeTimeout, @Nullable SseEvent finalEvent, Duration shutdownTimeout,
			@Nullable Integer maxStreams, @Nullable Integer maxStreamsPerUser) {

		/**
		 * Settings without a per-user limit.
		 * @param heartbeatInterval how long a stream may be idle before a heartbeat, or
		 * {@code null} for no heartbeats
		 * @param maxLifetime how long a stream may live, or {@code null} for no limit
		 * @param writeTimeout how long a client may take no bytes before eviction, or
		 * {@code null} for no limit
		 * @param finalEvent an event sent to every stream on shutdown, or {@code null}
		 * @param shutdownTimeout how long shutdown waits for streams to write their last
		 * events
		 * @param maxStreams the most streams open at once, or {@code null} for no limit
		 */
		public Settings(@Nullable Duration heartbeatInterval, @Nullable Duration maxLifetime,
				@Nullable Duration writeTimeout, @Nullable SseEvent finalEvent, Duration shutdownTimeout,
				@Nullable Integer maxStreams) {
			this(heartbeatInterval, maxLifetime, writeTimeout, finalEvent, shutdownTimeout, maxStreams, null);
		}

		/**
		 * Defaults for tests and standalone use: 15 s heartbeats, 10 s write timeout, 1 s
		 * shutdown timeout.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(Duration.ofSeconds(15), null, Duration.ofSeconds(10), null, Duration.ofSeconds(1),
					null);
		}

	}

}
