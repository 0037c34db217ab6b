package io.github.ssekit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.StreamMessage;
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

	private final List<RedisStreamSubscription> subscriptions = new ArrayList<>(1);

	private String position;

	private boolean confirmed;

	private boolean checkHistory;

	/**
	 * Create the stream of a channel's first local subscription.
	 * @param subscription the subscription
	 */
	RedisReadStream(RedisStreamSubscription subscription) {
		this.key = subscription.key();
		this.channel = subscription.channel();
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
	 * Return the id after which the next read starts.
	 * @return the id of the last entry read, or where the earliest subscription started
	 */
	String position() {
		return this.position;
	}

	/**
	 * Add a subscription; the stream is then read from its start if that is earlier.
	 * @param subscription the subscription
	 */
	void add(RedisStreamSubscription subscription) {
		if (SseEventIds.compare(subscription.start(), this.position) < 0) {
			this.position = subscription.start();
			this.confirmed = subscription.confirmed();
		}
		this.subscriptions.add(subscription);
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
