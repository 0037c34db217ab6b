package io.github.ssekit.channel;

import java.util.List;

import io.github.ssekit.SseEvent;

/**
 * SPI behind {@link SseChannel}: orders, stores and delivers a channel's events. The
 * in-memory broker serves one instance; the Redis broker lets several instances share
 * channels and history.
 * <p>
 * Event ids are {@code <millis>-<sequence>} (two non-negative decimal numbers), assigned
 * by the broker, strictly increasing per channel, ordered as {@link SseEventIds#compare}
 * orders them, and never reused, also across restarts.
 * <p>
 * Implementations must be thread-safe. A broker never calls back into a channel while
 * holding a lock that {@link #listen} or {@link #replay} would take, and a channel never
 * calls the broker while holding its own lock.
 *
 * @author ssekit
 */
public interface SseChannelBroker {

	/**
	 * Append an event to a channel: assign its id, store it in the bounded history, and
	 * deliver it to the channel's listener on every instance.
	 * @param channel the channel name
	 * @param event the event, without an id
	 * @return the event with its id
	 * @throws SseBrokerException if the event cannot be stored; it is then not delivered
	 */
	SseEvent publish(String channel, SseEvent event);

	/**
	 * Start delivering a channel's new events to this instance. The listener receives
	 * every event appended after this call, in id order, one at a time, on any thread; it
	 * may also receive events it was already given or that a replay returned, which the
	 * channel skips by id.
	 * @param channel the channel name
	 * @param listener the listener
	 * @return a registration to close when the channel has no local subscribers left
	 */
	Registration listen(String channel, Listener listener);

	/**
	 * Return the events stored after the given id, in order.
	 * @param channel the channel name
	 * @param lastEventId the id the client saw last, or a {@link #position position}
	 * @return the events, or {@link Replay#lost()} when the history does not hold that id
	 * (it was evicted, belongs to another run, or never existed) or, for a position, when
	 * an event after it was evicted
	 * @throws SseBrokerException if the history cannot be read
	 */
	Replay replay(String channel, String lastEventId);

	/**
	 * Return the position of a stream that joins the channel now, for a stream on several
	 * channels whose cursor must say where it stands on a channel it has had no event
	 * from: an id such that {@link #replay replay(channel, position)}, called later,
	 * returns exactly the events appended after this call, or {@link Replay#lost()} when
	 * that can no longer be told (history trimmed past it, or lost). It is the id of the
	 * channel's newest event when the history holds one; otherwise an id that the broker
	 * reserves and never gives an event.
	 * @param channel the channel name
	 * @return the position, an event id
	 * @throws SseBrokerException if the broker cannot tell
	 * @throws UnsupportedOperationException if the broker has no positions; a stream on
	 * several channels is then told its history is lost when it resumes
	 */
	default String position(String channel) {
		throw new UnsupportedOperationException(getClass().getName() + " has no positions");
	}

	/**
	 * Return how many events the channel's history holds.
	 * @param channel the channel name
	 * @return the history size
	 */
	long historySize(String channel);

	/**
	 * Receives a channel's events.
	 */
	@FunctionalInterface
	interface Listener {

		/**
		 * Called for each event, in id order.
		 * @param event the event, with its id
		 */
		void onEvent(SseEvent event);

		/**
		 * Called for a run of consecutive events, in id order, so that the channel can
		 * queue them all before writing to its streams once. By default calls
		 * {@link #onEvent(SseEvent)} for each.
		 * @param events the events, with their ids
		 */
		default void onEvents(List<SseEvent> events) {
			for (SseEvent event : events) {
				onEvent(event);
			}
		}

		/**
		 * Called when the broker could not deliver events and cannot tell which were
		 * missed, for example after a long outage: subscribers must be told their history
		 * is lost.
		 */
		default void onHistoryLost() {
		}

	}

	/**
	 * A listener's registration.
	 */
	@FunctionalInterface
	interface Registration extends AutoCloseable {

		/**
		 * Stop delivering to the listener.
		 */
		@Override
		void close();

	}

	/**
	 * The result of a replay: the missed events, or the signal that history was lost.
	 *
	 * @param events the events after the requested id, in order
	 * @param historyLost whether the history does not hold the requested id
	 */
	record Replay(List<SseEvent> events, boolean historyLost) {

		/**
		 * Create a replay of the given events.
		 * @param events the events, in order
		 * @return the replay
		 */
		public static Replay of(List<SseEvent> events) {
			return new Replay(List.copyOf(events), false);
		}

		/**
		 * Return the replay that signals lost history.
		 * @return the replay
		 */
		public static Replay lost() {
			return new Replay(List.of(), true);
		}

	}

}
