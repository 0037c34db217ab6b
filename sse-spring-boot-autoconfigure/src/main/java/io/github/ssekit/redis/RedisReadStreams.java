package io.github.ssekit.redis;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.XReadArgs;
import org.jspecify.annotations.Nullable;

/**
 * The streams this instance reads: one per channel with a local subscription. New
 * subscriptions from any thread wait in a queue until the reader thread adopts them
 * between two reads; everything else is used by the reader thread only, except the set of
 * read keys.
 *
 * @author ssekit
 */
final class RedisReadStreams {

	private final Queue<RedisStreamSubscription> pending = new ConcurrentLinkedQueue<>();

	private final Map<String, RedisReadStream> streams = new HashMap<>();

	private final Set<String> readKeys = ConcurrentHashMap.newKeySet();

	private final ReentrantLock pendingLock = new ReentrantLock();

	private final Condition pendingCondition = this.pendingLock.newCondition();

	/**
	 * Queue a new subscription for the reader; any thread.
	 * @param subscription the subscription
	 */
	void add(RedisStreamSubscription subscription) {
		this.pending.add(subscription);
	}

	/**
	 * Wake the reader if it waits for a subscription; any thread.
	 */
	void signal() {
		this.pendingLock.lock();
		try {
			this.pendingCondition.signalAll();
		}
		finally {
			this.pendingLock.unlock();
		}
	}

	/**
	 * Wait until a subscription is queued, at most the given time.
	 * @param millis the longest wait
	 * @throws InterruptedException if the reader is interrupted
	 */
	void awaitPending(long millis) throws InterruptedException {
		this.pendingLock.lock();
		try {
			if (this.pending.isEmpty()) {
				this.pendingCondition.await(millis, TimeUnit.MILLISECONDS);
			}
		}
		finally {
			this.pendingLock.unlock();
		}
	}

	/**
	 * Return whether subscriptions wait for the reader.
	 * @return {@code true} if some do
	 */
	boolean hasPending() {
		return !this.pending.isEmpty();
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
	 */
	void adopt() {
		RedisStreamSubscription subscription;
		while ((subscription = this.pending.poll()) != null) {
			if (!subscription.isClosed()) {
				adopt(subscription);
			}
		}
		for (Iterator<RedisReadStream> streams = this.streams.values().iterator(); streams.hasNext();) {
			RedisReadStream stream = streams.next();
			if (stream.removeClosed()) {
				streams.remove();
				this.readKeys.remove(stream.key());
			}
		}
	}

	private void adopt(RedisStreamSubscription subscription) {
		RedisReadStream stream = this.streams.get(subscription.key());
		if (stream == null) {
			stream = new RedisReadStream(subscription);
			this.streams.put(subscription.key(), stream);
			this.readKeys.add(subscription.key());
		}
		stream.add(subscription);
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

	/**
	 * Return the offsets of an {@code XREAD} of every stream from its position.
	 * @return the offsets
	 */
	XReadArgs.StreamOffset<String>[] offsets() {
		@SuppressWarnings("unchecked")
		XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[this.streams.size()];
		int i = 0;
		for (RedisReadStream stream : this.streams.values()) {
			offsets[i++] = XReadArgs.StreamOffset.from(stream.key(), stream.position());
		}
		return offsets;
	}

}
