package io.github.ssekit.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.jspecify.annotations.Nullable;

/**
 * The streams this instance reads: one per channel with a local subscription, and which
 * of them changed. New and closed subscriptions from any thread, and the keys that
 * notifications name, from Lettuce's thread, wait in queues until the reader thread takes
 * them; everything else is used by the reader thread only, except the set of read keys.
 * Anything queued {@link #signal() wakes} the reader.
 *
 * @author ssekit
 */
final class RedisReadStreams extends RedisPubSubAdapter<String, String> {

	private final Queue<RedisStreamSubscription> pending = new ConcurrentLinkedQueue<>();

	private final Queue<RedisStreamSubscription> closed = new ConcurrentLinkedQueue<>();

	private final Set<String> changed = ConcurrentHashMap.newKeySet();

	private final Map<String, RedisReadStream> streams = new HashMap<>();

	private final Set<String> readKeys = ConcurrentHashMap.newKeySet();

	private final Map<Integer, List<RedisReadStream>> slots = new HashMap<>();

	private final ReentrantLock signalLock = new ReentrantLock();

	private final Condition signalCondition = this.signalLock.newCondition();

	private boolean signalled;

	/**
	 * Queue a new subscription for the reader and wake it; any thread.
	 * @param subscription the subscription
	 */
	void add(RedisStreamSubscription subscription) {
		this.pending.add(subscription);
		signal();
	}

	/**
	 * Close a subscription and queue it for the reader to forget; any thread.
	 * @param subscription the subscription
	 */
	void close(RedisStreamSubscription subscription) {
		subscription.close();
		this.closed.add(subscription);
	}

	/**
	 * Take a notification: the stream of the given key changed; Lettuce's thread.
	 * @param channel the notification channel
	 * @param key the stream key
	 */
	@Override
	public void message(String channel, String key) {
		if (this.readKeys.contains(key) && this.changed.add(key)) {
			signal();
		}
	}

	/**
	 * Wake the reader if it waits; any thread.
	 */
	void signal() {
		this.signalLock.lock();
		try {
			this.signalled = true;
			this.signalCondition.signalAll();
		}
		finally {
			this.signalLock.unlock();
		}
	}

	/**
	 * Wait until {@link #signal() signalled} since the last wait, at most the given time.
	 * @param millis the longest wait
	 * @throws InterruptedException if the reader is interrupted
	 */
	void await(long millis) throws InterruptedException {
		this.signalLock.lock();
		try {
			if (!this.signalled) {
				this.signalCondition.await(millis, TimeUnit.MILLISECONDS);
			}
			this.signalled = false;
		}
		finally {
			this.signalLock.unlock();
		}
	}

	/**
	 * Return whether the given stream is read; any thread.
	 * @param key the stream key
	 * @return {@code true} if it is
	 */
	boolean isRead(String key) {
		return this.readKeys.contains(key);
	}

	/**
	 * Return the number of streams read; any thread.
	 * @return the number of channels with a local subscription
	 */
	int size() {
		return this.readKeys.size();
	}

	/**
	 * Adopt the queued subscriptions and forget the closed ones, with the streams that
	 * have none left.
	 * @param toRead told about each stream that must be read from an earlier position
	 * than before: new, or with a subscription that starts earlier
	 */
	void adopt(Consumer<RedisReadStream> toRead) {
		RedisStreamSubscription subscription;
		while ((subscription = this.pending.poll()) != null) {
			if (!subscription.isClosed()) {
				adopt(subscription, toRead);
			}
		}
		while ((subscription = this.closed.poll()) != null) {
			RedisReadStream stream = this.streams.get(subscription.key());
			if (stream != null && stream.removeClosed()) {
				this.streams.remove(stream.key());
				this.readKeys.remove(stream.key());
				List<RedisReadStream> slot = this.slots.get(stream.slot());
				if (slot != null && slot.remove(stream) && slot.isEmpty()) {
					this.slots.remove(stream.slot());
				}
				stream.removed();
			}
		}
	}

	private void adopt(RedisStreamSubscription subscription, Consumer<RedisReadStream> toRead) {
		RedisReadStream stream = this.streams.get(subscription.key());
		if (stream == null) {
			stream = new RedisReadStream(subscription);
			this.streams.put(subscription.key(), stream);
			this.readKeys.add(subscription.key());
			this.slots.computeIfAbsent(stream.slot(), (slot) -> new ArrayList<>(1)).add(stream);
			toRead.accept(stream);
		}
		if (stream.add(subscription)) {
			toRead.accept(stream);
		}
	}

	/**
	 * Hand over the streams that notifications named since the last call.
	 * @param toRead told about each of them
	 */
	void takeChanged(Consumer<RedisReadStream> toRead) {
		if (this.changed.isEmpty()) {
			return;
		}
		for (Iterator<String> keys = this.changed.iterator(); keys.hasNext();) {
			String key = keys.next();
			keys.remove();
			RedisReadStream stream = this.streams.get(key);
			if (stream != null) {
				toRead.accept(stream);
			}
		}
	}

	/**
	 * Hand over the streams whose keys are in the given Redis Cluster slots.
	 * @param from the first slot
	 * @param to the slot after the last
	 * @param consumer told about each stream
	 */
	void forEachInSlots(int from, int to, Consumer<RedisReadStream> consumer) {
		if (this.slots.isEmpty()) {
			return;
		}
		for (int slot = from; slot < to; slot++) {
			List<RedisReadStream> streams = this.slots.get(slot);
			if (streams != null) {
				streams.forEach(consumer);
			}
		}
	}

	/**
	 * Return whether no stream is read.
	 * @return {@code true} if none is
	 */
	boolean isEmpty() {
		return this.streams.isEmpty();
	}

	/**
	 * Return the stream of the given key.
	 * @param key the key
	 * @return the stream, or {@code null} if it is not read
	 */
	@Nullable RedisReadStream get(String key) {
		return this.streams.get(key);
	}

	/**
	 * Return the streams read.
	 * @return the streams
	 */
	Collection<RedisReadStream> all() {
		return this.streams.values();
	}

}
