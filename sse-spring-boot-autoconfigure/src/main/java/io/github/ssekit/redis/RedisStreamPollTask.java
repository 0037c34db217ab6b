package io.github.ssekit.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ErrorHandler;

/**
 * The reader's loop: connects when there is no connection, adopts new subscriptions,
 * takes the streams that notifications named, and reads just those, from their positions,
 * with non-blocking {@code XREAD}s sent without waiting for each other (several streams
 * per {@code XREAD}: any on a standalone Redis, those of one slot on Redis Cluster, so
 * that each goes to one node). Replies are handed to the streams, in order, as they come
 * back; a stream has at most one command under way, and is read again when it changed
 * meanwhile or the read filled a batch.
 * <p>
 * Notifications are at most once, and can only be missed across a dropped connection:
 * after a (re)connection, on Cluster after any connection of the client dropped or
 * reconnected, every stream is checked to still hold its position and read again. On
 * Cluster, every stream is also read again every 30 seconds, a slice of slots at a time,
 * since a notification travels between nodes on the cluster bus, which can drop it
 * without any connection of this instance dropping (a node failing over, a network
 * partition between nodes).
 * <p>
 * On a standalone Redis, a failed or unanswered command ends the run; the error handler
 * drops the connection and runs the task again later. On Cluster, where one node may fail
 * while the others serve, a failed read only delays the streams it was about: they are
 * checked and read again after the maximum backoff.
 *
 * @author ssekit
 */
final class RedisStreamPollTask implements Runnable {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private static final long POLL_MILLIS = 50;

	private static final int MAX_KEYS_PER_READ = 256;

	private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final RedisConnector connector;

	private final RedisReadStreams streams;

	private final RedisSseBrokerSettings settings;

	private final Supplier<RedisSseChannelBroker.Observer> observer;

	private final RedisBackoff backoff;

	private final ErrorHandler errorHandler;

	private final long lagThreshold;

	private final Set<RedisReadStream> due = new LinkedHashSet<>();

	private final Set<RedisReadStream> delayed = new LinkedHashSet<>();

	private final Deque<RedisReadRequest> inFlight = new ArrayDeque<>();

	private final Queue<RedisReadRequest> completed = new ConcurrentLinkedQueue<>();

	private @Nullable RedisBrokerConnection connection;

	private long generation;

	private long lastIssued;

	private int sweptSlot;

	private long sweepStarted;

	private int failedStreams;

	private volatile boolean cancelled;

	/**
	 * Create a task.
	 * @param connector the connector
	 * @param streams the streams to read
	 * @param settings the broker settings
	 * @param observer supplies the observer told about deliveries
	 * @param backoff the reconnection backoff, reset once connected
	 * @param errorHandler told about the failure that ends a run
	 */
	RedisStreamPollTask(RedisConnector connector, RedisReadStreams streams, RedisSseBrokerSettings settings,
			Supplier<RedisSseChannelBroker.Observer> observer, RedisBackoff backoff, ErrorHandler errorHandler) {
		this.connector = connector;
		this.streams = streams;
		this.settings = settings;
		this.observer = observer;
		this.backoff = backoff;
		this.errorHandler = errorHandler;
		this.lagThreshold = Math.max(1, Math.min(settings.readBatchSize(), settings.maxLength() / 2));
	}

	@Override
	public void run() {
		while (!this.cancelled) {
			try {
				poll();
			}
			catch (InterruptedException ex) {
				if (this.cancelled) {
					Thread.currentThread().interrupt();
				}
			}
			catch (Exception ex) {
				if (!this.cancelled) {
					this.errorHandler.handleError(ex);
				}
				return;
			}
		}
	}

	/**
	 * Stop the loop after the current step; the thread must also be interrupted to end a
	 * wait at once.
	 */
	void cancel() {
		this.cancelled = true;
	}

	private void poll() throws Exception {
		RedisBrokerConnection connection = this.connector.current();
		if (connection == null) {
			connection = this.connector.connect();
		}
		if (connection != this.connection) {
			begin(connection);
		}
		this.backoff.reset();
		step(connection);
	}

	private void begin(RedisBrokerConnection connection) {
		this.connection = connection;
		this.generation++;
		this.inFlight.clear();
		this.completed.clear();
		this.due.clear();
		this.delayed.clear();
		this.failedStreams = 0;
		long now = System.nanoTime();
		this.lastIssued = now;
		this.sweptSlot = 0;
		this.sweepStarted = now;
		for (RedisReadStream stream : this.streams.all()) {
			stream.ended();
			stream.retryAt(0);
			stream.requestHistoryCheck();
			this.due.add(stream);
		}
	}

	private void step(RedisBrokerConnection connection) throws Exception {
		this.streams.adopt(this::markDue);
		long now = System.nanoTime();
		if (connection.cluster()) {
			if (connection.takeResync()) {
				resync();
			}
			sweep(now);
		}
		this.streams.takeChanged(this::markDue);
		complete(connection);
		retryDelayed(now);
		issue(connection, now);
		expire(now);
		if (!connection.cluster()) {
			connection.checkOpen();
			if (this.inFlight.isEmpty() && now - this.lastIssued > this.settings.readBlock().toNanos()) {
				send(RedisReadRequest.Kind.PING, List.of(), connection.reads().ping().toCompletableFuture(), now);
			}
		}
		if (this.completed.isEmpty()) {
			this.streams.await(POLL_MILLIS);
		}
	}

	private void resync() {
		for (RedisReadStream stream : this.streams.all()) {
			stream.requestHistoryCheck();
			markDue(stream);
		}
	}

	/**
	 * Read every stream again once per sweep interval, the streams of a slice of the
	 * slots at each step, so that each {@code XREAD} names the streams of one slot and no
	 * step does much.
	 */
	private void sweep(long now) {
		long elapsed = now - this.sweepStarted;
		int target = (elapsed >= SWEEP_NANOS) ? SlotHash.SLOT_COUNT
				: (int) (SlotHash.SLOT_COUNT * elapsed / SWEEP_NANOS);
		if (target > this.sweptSlot) {
			this.streams.forEachInSlots(this.sweptSlot, target, this::markDue);
			this.sweptSlot = target;
		}
		if (target == SlotHash.SLOT_COUNT) {
			this.sweptSlot = 0;
			this.sweepStarted = now;
		}
	}

	private void markDue(RedisReadStream stream) {
		if (stream.isRemoved()) {
			return;
		}
		if (stream.isInFlight()) {
			stream.dueAgain();
		}
		else {
			this.due.add(stream);
		}
	}

	private void retryDelayed(long now) {
		if (this.delayed.isEmpty()) {
			return;
		}
		for (Iterator<RedisReadStream> streams = this.delayed.iterator(); streams.hasNext();) {
			RedisReadStream stream = streams.next();
			if (stream.isRemoved()) {
				streams.remove();
				succeeded(stream);
			}
			else if (stream.retryAt() - now <= 0) {
				streams.remove();
				markDue(stream);
			}
		}
	}

	private void issue(RedisBrokerConnection connection, long now) {
		if (this.due.isEmpty()) {
			return;
		}
		List<RedisReadStream> toRead = new ArrayList<>();
		for (RedisReadStream stream : this.due) {
			if (stream.isRemoved() || stream.isInFlight()) {
				continue;
			}
			if (stream.retryAt() != 0 && stream.retryAt() - now > 0) {
				this.delayed.add(stream);
				continue;
			}
			if (stream.isHistoryCheckDue()) {
				send(RedisReadRequest.Kind.CHECK, List.of(stream), holds(connection.reads(), stream), now);
			}
			else {
				toRead.add(stream);
			}
			stream.started();
		}
		this.due.clear();
		if (toRead.isEmpty()) {
			return;
		}
		if (!connection.cluster()) {
			read(connection, toRead, now);
			return;
		}
		Map<Integer, List<RedisReadStream>> bySlot = new HashMap<>();
		for (RedisReadStream stream : toRead) {
			bySlot.computeIfAbsent(stream.slot(), (slot) -> new ArrayList<>()).add(stream);
		}
		for (List<RedisReadStream> slot : bySlot.values()) {
			read(connection, slot, now);
		}
	}

	private void read(RedisBrokerConnection connection, List<RedisReadStream> streams, long now) {
		XReadArgs args = XReadArgs.Builder.count(this.settings.readBatchSize());
		for (int from = 0; from < streams.size(); from += MAX_KEYS_PER_READ) {
			List<RedisReadStream> batch = streams.subList(from, Math.min(streams.size(), from + MAX_KEYS_PER_READ));
			@SuppressWarnings("unchecked")
			XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[batch.size()];
			for (int i = 0; i < offsets.length; i++) {
				offsets[i] = XReadArgs.StreamOffset.from(batch.get(i).key(), batch.get(i).position());
			}
			send(RedisReadRequest.Kind.READ, List.copyOf(batch),
					connection.reads().xread(args, offsets).toCompletableFuture(), now);
		}
	}

	private static CompletableFuture<Boolean> holds(RedisClusterAsyncCommands<String, String> reads,
			RedisReadStream stream) {
		String key = stream.key();
		String id = stream.position();
		return reads.xrange(key, Range.create(id, id)).toCompletableFuture().thenCompose((found) -> {
			if (!found.isEmpty()) {
				return CompletableFuture.completedFuture(true);
			}
			return reads.xrange(key, Range.create("-", "+"), Limit.from(1))
				.toCompletableFuture()
				.thenApply((first) -> !first.isEmpty() && SseEventIds.compare(first.get(0).getId(), id) < 0);
		});
	}

	private void send(RedisReadRequest.Kind kind, List<RedisReadStream> streams, CompletableFuture<?> future,
			long now) {
		RedisReadRequest request = new RedisReadRequest(kind, streams, future, this.generation, now);
		this.inFlight.add(request);
		this.lastIssued = now;
		future.whenComplete((result, ex) -> {
			this.completed.add(request);
			this.streams.signal();
		});
	}

	private void expire(long now) {
		long deadline = now - this.settings.commandTimeout().toNanos();
		while (!this.inFlight.isEmpty()) {
			RedisReadRequest oldest = this.inFlight.peekFirst();
			if (!oldest.isDone() && !oldest.issuedBefore(deadline)) {
				return;
			}
			this.inFlight.pollFirst();
			if (!oldest.isDone()) {
				oldest.expire();
			}
		}
	}

	private void complete(RedisBrokerConnection connection) throws Exception {
		RedisReadRequest request;
		while ((request = this.completed.poll()) != null) {
			if (request.generation() == this.generation) {
				apply(connection, request);
			}
		}
	}

	private void apply(RedisBrokerConnection connection, RedisReadRequest request) throws Exception {
		Exception failure = request.failure(this.settings.commandTimeout().toMillis());
		if (failure != null) {
			if (!connection.cluster()) {
				throw failure;
			}
			failed(request, failure);
			return;
		}
		switch (request.kind()) {
			case READ -> delivered(request);
			case CHECK -> checked(request);
			case PING -> {
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void delivered(RedisReadRequest request) {
		List<StreamMessage<String, String>> entries = (List<StreamMessage<String, String>>) request.result();
		Map<String, List<StreamMessage<String, String>>> byKey = groupByKey(entries);
		List<RedisReadStream> streams = request.streams();
		for (int i = 0; i < streams.size(); i++) {
			RedisReadStream stream = streams.get(i);
			boolean again = stream.ended();
			succeeded(stream);
			List<StreamMessage<String, String>> read = byKey.get(stream.key());
			if (!request.isAtPosition(i)) {
				again = true;
			}
			else if (read != null) {
				stream.deliver(read, this.lagThreshold, this.observer);
				again |= read.size() >= this.settings.readBatchSize();
			}
			if (again) {
				markDue(stream);
			}
		}
	}

	private static Map<String, List<StreamMessage<String, String>>> groupByKey(
			@Nullable List<StreamMessage<String, String>> entries) {
		if (entries == null || entries.isEmpty()) {
			return Map.of();
		}
		Map<String, List<StreamMessage<String, String>>> byKey = new HashMap<>();
		int from = 0;
		while (from < entries.size()) {
			String key = entries.get(from).getStream();
			int to = from + 1;
			while (to < entries.size() && entries.get(to).getStream().equals(key)) {
				to++;
			}
			byKey.put(key, entries.subList(from, to));
			from = to;
		}
		return byKey;
	}

	private void checked(RedisReadRequest request) {
		RedisReadStream stream = request.streams().get(0);
		stream.ended();
		succeeded(stream);
		if (request.isAtPosition(0)) {
			if (!Boolean.TRUE.equals(request.result())) {
				stream.historyLost();
			}
			stream.historyChecked();
		}
		markDue(stream);
	}

	private void failed(RedisReadRequest request, Exception failure) {
		long retryAt = System.nanoTime() + this.settings.maxBackoff().toNanos();
		if (this.failedStreams == 0) {
			logger.warn("Cannot read " + request.streams().size() + " channel stream(s) from Redis Cluster ("
					+ RedisFutures.describe(failure) + "); retrying them, the other channels are read meanwhile");
		}
		for (RedisReadStream stream : request.streams()) {
			stream.ended();
			if (stream.isRemoved()) {
				succeeded(stream);
				continue;
			}
			stream.requestHistoryCheck();
			if (stream.retryAt() == 0) {
				this.failedStreams++;
			}
			stream.retryAt(retryAt);
			this.delayed.add(stream);
		}
	}

	private void succeeded(RedisReadStream stream) {
		if (stream.retryAt() == 0) {
			return;
		}
		stream.retryAt(0);
		this.failedStreams--;
		if (this.failedStreams == 0) {
			logger.info("Reading every channel stream from Redis Cluster again");
		}
	}

}
