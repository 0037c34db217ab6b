package io.github.ssekit.channel;

import java.util.List;

/**
 * Receives what happens on channels, for metrics. Methods are called on publishing and
 * subscribing threads, sometimes while a channel lock is held, and must be fast,
 * non-blocking and must not call back into channels.
 *
 * @author ssekit
 */
public interface SseChannelObserver {

	/** An observer that ignores everything. */
	SseChannelObserver NONE = new SseChannelObserver() {
	};

	/**
	 * Return an observer that tells each of the given observers, in order.
	 * @param observers the observers
	 * @return {@link #NONE} for none, the observer itself for one, or one that tells all
	 */
	static SseChannelObserver of(List<? extends SseChannelObserver> observers) {
		return switch (observers.size()) {
			case 0 -> NONE;
			case 1 -> observers.get(0);
			default -> new CompositeSseChannelObserver(observers);
		};
	}

	/**
	 * An event was published on a channel of this instance.
	 * @param channel the channel name
	 */
	default void published(String channel) {
	}

	/**
	 * Events from the history were sent to a resuming subscriber.
	 * @param channel the channel name
	 * @param events how many
	 */
	default void replayed(String channel, int events) {
	}

	/**
	 * A subscriber was sent the {@link SseChannel#HISTORY_LOST_EVENT} event.
	 * @param channel the channel name
	 */
	default void historyLost(String channel) {
	}

}
