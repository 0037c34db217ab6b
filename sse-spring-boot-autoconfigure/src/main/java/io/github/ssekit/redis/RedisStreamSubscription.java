package io.github.ssekit.redis;

import java.util.List;
import java.util.Objects;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannelBroker.Listener;
import io.github.ssekit.channel.SseEventIds;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One local listener of a channel: where it started and the last event it was given, so
 * that it gets no event twice when its stream is read again from an earlier entry.
 *
 * @author ssekit
 */
final class RedisStreamSubscription {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final String key;

	private final String channel;

	private final Listener listener;

	private final String start;

	private final boolean confirmed;

	private volatile @Nullable String lastDelivered;

	private volatile boolean closed;

	/**
	 * Create a subscription.
	 * @param key the channel's stream key
	 * @param channel the channel name
	 * @param listener the listener
	 * @param start the id after which the listener gets entries
	 * @param confirmed whether the stream held {@code start} when the listener started
	 */
	RedisStreamSubscription(String key, String channel, Listener listener, String start, boolean confirmed) {
		this.key = key;
		this.channel = channel;
		this.listener = listener;
		this.start = start;
		this.confirmed = confirmed;
		this.lastDelivered = start;
	}

	/**
	 * Return the channel's stream key.
	 * @return the key
	 */
	String key() {
		return this.key;
	}

	/**
	 * Return the channel name.
	 * @return the channel
	 */
	String channel() {
		return this.channel;
	}

	/**
	 * Return the id after which the listener gets entries.
	 * @return the id
	 */
	String start() {
		return this.start;
	}

	/**
	 * Return whether the stream held the starting id when the listener started.
	 * @return {@code true} if it did
	 */
	boolean confirmed() {
		return this.confirmed;
	}

	/**
	 * Return whether the registration was closed.
	 * @return {@code true} once closed
	 */
	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stop delivering to the listener.
	 */
	void close() {
		this.closed = true;
	}

	/**
	 * Hand the listener the events it was not given yet.
	 * @param events consecutive events of the channel, in order
	 */
	void deliver(List<SseEvent> events) {
		List<SseEvent> fresh = unseen(events);
		if (this.closed || fresh.isEmpty()) {
			return;
		}
		this.lastDelivered = fresh.get(fresh.size() - 1).id();
		try {
			this.listener.onEvents(fresh);
		}
		catch (RuntimeException ex) {
			logger.warn("Listener of channel '" + this.channel + "' failed on events up to " + this.lastDelivered, ex);
		}
	}

	/**
	 * Tell the listener its history is lost, and give it every event read from now on.
	 */
	void historyLost() {
		this.lastDelivered = null;
		if (this.closed) {
			return;
		}
		try {
			this.listener.onHistoryLost();
		}
		catch (RuntimeException ex) {
			logger.warn("Listener of channel '" + this.channel + "' failed on history lost", ex);
		}
	}

	private List<SseEvent> unseen(List<SseEvent> events) {
		String last = this.lastDelivered;
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

}
