package io.github.ssekit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.SlotHash;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A channel's stream as the reader reads it: the id of the last entry read, whether the
 * stream is known to hold it, and the channel's local subscriptions. Used by the reader
 * thread only.
 *
 * @author ssekit
 */
final class RedisReadStream {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final String key;

	private final String channel;

	private final int slot;

	private final List<RedisStreamSubscription> subscriptions = new ArrayList<>(1);

	private String position;

	private boolean confirmed;

	private boolean checkHistory;

	private boolean inFlight;

	private boolean dueAgain;

	private boolean removed;

	private long retryAt;

	/**
	 * Create the stream of a channel's first local subscription.
	 * @param subscription the subscription
	 */
	RedisReadStream(RedisStreamSubscription subscription) {
		this.key = subscription.key();
		this.channel = subscription.channel();
		this.slot = SlotHash.getSlot(this.key);
		this.position = subscription.start();
		this.confirmed = subscription.confirmed();
	}

	/**
	 * Return the stream key.
	 * @return the key
	 */
	String key() {
		return this.key;
	}

	/**
	 * Return the Redis Cluster slot of the stream key.
	 * @return the slot
	 */
	int slot() {
		return this.slot;
	}

	/**
	 * Return the id after which the next read starts.
	 * @return the id of the last entry read, or where the earliest subscription started
	 */
	String position() {
		return this.position;
	}

	/**
	 * Add a subscription; the stream is then read from its start if that is earlier.
	 * @param subscription the subscription
	 * @return whether the position moved back to the subscription's start
	 */
	boolean add(RedisStreamSubscription subscription) {
		boolean earlier = SseEventIds.compare(subscription.start(), this.position) < 0;
		if (earlier) {
			this.position = subscription.start();
			this.confirmed = subscription.confirmed();
		}
		this.subscriptions.add(subscription);
		return earlier;
	}

	/**
	 * Record that the stream is no longer read, having no subscription left.
	 */
	void removed() {
		this.removed = true;
	}

	/**
	 * Return whether the stream is no longer read.
	 * @return {@code true} once removed
	 */
	boolean isRemoved() {
		return this.removed;
	}

	/**
	 * Return whether a read or history check of the stream is under way.
	 * @return {@code true} if one is
	 */
	boolean isInFlight() {
		return this.inFlight;
	}

	/**
	 * Record that a read or history check of the stream started.
	 */
	void started() {
		this.inFlight = true;
	}

	/**
	 * Record that the read or history check under way ended.
	 * @return whether the stream was found changed meanwhile, so must be read again
	 */
	boolean ended() {
		this.inFlight = false;
		boolean again = this.dueAgain;
		this.dueAgain = false;
		return again;
	}

	/**
	 * Record that the stream changed while a read is under way.
	 */
	void dueAgain() {
		this.dueAgain = true;
	}

	/**
	 * Return when the stream may be read again after a failed read.
	 * @return the {@link System#nanoTime()} from which it may, or {@code 0}
	 */
	long retryAt() {
		return this.retryAt;
	}

	/**
	 * Set when the stream may be read again after a failed read.
	 * @param nanoTime the {@link System#nanoTime()} from which it may, or {@code 0}
	 */
	void retryAt(long nanoTime) {
		this.retryAt = nanoTime;
	}

	/**
	 * Forget the closed subscriptions.
	 * @return whether none is left
	 */
	boolean removeClosed() {
		this.subscriptions.removeIf(RedisStreamSubscription::isClosed);
		return this.subscriptions.isEmpty();
	}

	/**
	 * Ask for the next {@link #isHistoryCheckDue() history check} to verify that the
	 * stream still holds the position, for example after a reconnection.
	 */
	void requestHistoryCheck() {
		this.checkHistory = true;
	}

	/**
	 * Return whether the stream must be checked to still hold the position.
	 * @return {@code true} if a check was requested and the position was read before
	 */
	boolean isHistoryCheckDue() {
		return this.checkHistory && this.confirmed;
	}

	/**
	 * Record that the history was checked.
	 */
	void historyChecked() {
		this.checkHistory = false;
	}

	/**
	 * Tell every subscription its history is lost, and read on from the oldest entry.
	 */
	void historyLost() {
		logger.warn("History of " + this.key + " no longer holds " + this.position
				+ ", the last entry read; its subscribers are told their history is lost");
		this.position = RedisEntryCodec.STREAM_START;
		this.confirmed = false;
		for (RedisStreamSubscription subscription : this.subscriptions) {
			subscription.historyLost();
		}
	}

	/**
	 * Advance past entries read from the stream and hand them to the subscriptions.
	 * @param entries consecutive entries, in order
	 * @param lagThreshold the number of entries from which the reader may be lagging
	 * behind, so that the next reconnection or read checks the history
	 * @param observer supplies the observer told about deliveries
	 */
	void deliver(List<StreamMessage<String, String>> entries, long lagThreshold,
			Supplier<RedisSseChannelBroker.Observer> observer) {
		this.position = entries.get(entries.size() - 1).getId();
		this.confirmed = true;
		this.checkHistory = entries.size() >= lagThreshold;
		List<SseEvent> events = decode(entries, observer.get());
		for (RedisStreamSubscription subscription : this.subscriptions) {
			subscription.deliver(events);
		}
	}

	private List<SseEvent> decode(List<StreamMessage<String, String>> entries,
			RedisSseChannelBroker.Observer observer) {
		List<SseEvent> events = new ArrayList<>(entries.size());
		long now = System.currentTimeMillis();
		for (StreamMessage<String, String> entry : entries) {
			try {
				events.add(RedisEntryCodec.decode(entry));
				observer.delivered(this.channel, now - SseEventIds.millis(entry.getId()));
			}
			catch (RuntimeException ex) {
				logger.warn("Skipping entry " + entry.getId() + " of " + this.key + ", not an SSE event: " + ex);
			}
		}
		return events;
	}

}
