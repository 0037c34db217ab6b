package io.github.ssekit.redis;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;

import org.springframework.util.ErrorHandler;

/**
 * The reader's loop: connects when there is no connection, adopts new subscriptions,
 * checks the history of streams that may have lost their position, reads every stream
 * with one blocking {@code XREAD} and hands the entries to their streams. Runs until it
 * is {@link #cancel() cancelled} or fails; a failure goes to the error handler, which
 * runs the task again later.
 *
 * @author ssekit
 */
final class RedisStreamPollTask implements Runnable {

	private static final long POLL_MILLIS = 50;

	private final RedisConnector connector;

	private final RedisReadStreams streams;

	private final RedisSseBrokerSettings settings;

	private final Supplier<RedisSseChannelBroker.Observer> observer;

	private final RedisBackoff backoff;

	private final ErrorHandler errorHandler;

	private final AtomicBoolean unblockRequested = new AtomicBoolean();

	private volatile boolean blocked;

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
	 * blocking read at once.
	 */
	void cancel() {
		this.cancelled = true;
	}

	/**
	 * Make sure a new subscription's stream is read soon: wake the loop if it waits for
	 * one, and end its blocking read with {@code CLIENT UNBLOCK} if Redis allows it.
	 * @param key the subscription's stream key
	 */
	void wake(String key) {
		if (this.streams.isRead(key)) {
			return;
		}
		this.streams.signal();
		RedisBrokerConnection connection = this.connector.current();
		if (connection != null && connection.readerId() >= 0 && this.blocked
				&& this.unblockRequested.compareAndSet(false, true)) {
			connection.commands().async().clientUnblock(connection.readerId(), UnblockType.TIMEOUT);
		}
	}

	private void poll() throws Exception {
		RedisBrokerConnection connection = this.connector.current();
		if (connection == null) {
			connection = this.connector.connect();
			this.streams.all().forEach(RedisReadStream::requestHistoryCheck);
		}
		this.backoff.reset();
		this.streams.adopt();
		if (this.streams.isEmpty()) {
			idle(connection);
		}
		else {
			checkHistory(connection);
			dispatch(read(connection));
		}
	}

	private void idle(RedisBrokerConnection connection) throws Exception {
		long deadline = System.nanoTime() + this.settings.readBlock().toNanos();
		while (!this.streams.hasPending() && System.nanoTime() < deadline) {
			this.streams.awaitPending(POLL_MILLIS);
			connection.checkOpen();
		}
		if (!this.streams.hasPending()) {
			awaitRead(connection, connection.reads().async().ping());
		}
	}

	private void checkHistory(RedisBrokerConnection connection) throws Exception {
		for (RedisReadStream stream : this.streams.all()) {
			if (stream.isHistoryCheckDue() && !holds(connection, stream.key(), stream.position())) {
				stream.historyLost();
			}
			stream.historyChecked();
		}
	}

	private boolean holds(RedisBrokerConnection connection, String key, String id) throws Exception {
		if (!awaitRead(connection, connection.reads().async().xrange(key, Range.create(id, id))).isEmpty()) {
			return true;
		}
		List<StreamMessage<String, String>> first = awaitRead(connection,
				connection.reads().async().xrange(key, Range.create("-", "+"), Limit.from(1)));
		return !first.isEmpty() && SseEventIds.compare(first.get(0).getId(), id) < 0;
	}

	private List<StreamMessage<String, String>> read(RedisBrokerConnection connection) throws Exception {
		long block = Math.max(1,
				Math.min(this.settings.readBlock().toMillis(), connection.reads().getTimeout().toMillis() / 2));
		XReadArgs args = XReadArgs.Builder.block(block).count(this.settings.readBatchSize());
		XReadArgs.StreamOffset<String>[] offsets = this.streams.offsets();
		this.unblockRequested.set(false);
		this.blocked = true;
		try {
			return awaitRead(connection, connection.reads().async().xread(args, offsets));
		}
		finally {
			this.blocked = false;
		}
	}

	private <T> T awaitRead(RedisBrokerConnection connection, RedisFuture<T> future) throws Exception {
		long deadline = System.nanoTime() + this.settings.readBlock().toNanos()
				+ this.settings.commandTimeout().toNanos();
		try {
			while (true) {
				try {
					return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					connection.checkOpen();
					if (System.nanoTime() > deadline) {
						throw new RedisBrokerConnection.RedisUnavailableException("Redis did not answer a read within "
								+ this.settings.readBlock().plus(this.settings.commandTimeout()).toMillis() + " ms");
					}
				}
				catch (ExecutionException ex) {
					throw RedisFutures.unwrap(ex);
				}
			}
		}
		finally {
			future.cancel(false);
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
			RedisReadStream stream = this.streams.get(key);
			if (stream != null) {
				stream.deliver(entries.subList(from, to), lagThreshold, this.observer);
			}
			from = to;
		}
	}

}
