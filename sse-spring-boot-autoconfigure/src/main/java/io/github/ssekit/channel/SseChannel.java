package io.github.ssekit.channel;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import org.jspecify.annotations.Nullable;

/**
 * A named topic: every event published on it reaches every subscribed stream, in the same
 * order, encoded once. Publishing never blocks on a client's socket.
 * <p>
 * The channel assigns each event its id, of the form {@code <millis>-<sequence>}:
 * strictly increasing per channel and never reused across restarts. A bounded history of
 * recent events lets a reconnecting client resume from its {@code Last-Event-ID} with no
 * gap and no duplicate. When the id is not (or no longer) in the history, the stream
 * receives the {@link #HISTORY_LOST_EVENT} event first, so the client knows to
 * resynchronise, then the live events.
 *
 * @author ssekit
 */
public interface SseChannel {

	/**
	 * Name of the event sent to a subscriber whose {@code Last-Event-ID} the history does
	 * not hold. Its data is the channel name; its id is empty, so the client's last event
	 * id is reset.
	 */
	String HISTORY_LOST_EVENT = "sse-history-lost";

	/**
	 * Return the channel name.
	 * @return the name
	 */
	String name();

	/**
	 * Publish an event to every subscriber.
	 * @param event the event, without an id: the channel assigns it
	 * @return the event as delivered, with its id
	 * @throws IllegalArgumentException if the event has an id
	 * @throws SseEventTooLargeException if the encoded event is larger than
	 * {@code sse.channels.max-event-size}; it was not stored in history
	 * @throws SseBrokerException if the broker cannot take the event; it was not
	 * delivered
	 */
	SseEvent publish(SseEvent event);

	/**
	 * Publish a named event whose data is serialised as for
	 * {@link SseStream#publish(String, Object)}.
	 * @param event the event name, or {@code null} for an unnamed event
	 * @param data the data
	 * @return the event as delivered, with its id
	 * @throws SseEventTooLargeException if the encoded event is larger than
	 * {@code sse.channels.max-event-size}
	 * @throws SseBrokerException if the broker cannot take the event
	 */
	SseEvent publish(@Nullable String event, Object data);

	/**
	 * Subscribe a stream. With a last event id, the events published after it are
	 * replayed first; the stream then receives live events. The stream leaves the channel
	 * when it closes.
	 * @param stream the stream
	 * @param lastEventId the client's {@code Last-Event-ID}, or {@code null} for live
	 * events only
	 * @throws SseChannelAccessDeniedException if an {@link SseChannelAuthorizer} refuses
	 * the stream's principal; nothing of the channel was sent
	 */
	void subscribe(SseStream stream, @Nullable String lastEventId);

	/**
	 * Subscribe a stream to live events only.
	 * @param stream the stream
	 */
	default void subscribe(SseStream stream) {
		subscribe(stream, null);
	}

	/**
	 * Return how many streams of this instance are subscribed.
	 * @return the subscriber count
	 */
	int subscriberCount();

	/**
	 * Return how many events the channel's history holds.
	 * @return the history size
	 */
	long historySize();

}
