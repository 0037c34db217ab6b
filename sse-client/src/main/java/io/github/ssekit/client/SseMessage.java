package io.github.ssekit.client;

import java.util.Objects;

/**
 * An event dispatched from a {@code text/event-stream}, as a browser's
 * {@code MessageEvent} would carry it.
 *
 * @param type the event type: the last {@code event} field of the event,
 * {@code "message"} when there was none or it was empty
 * @param data the {@code data} field values joined with {@code "\n"}
 * @param lastEventId the last event ID string when the event was dispatched; {@code ""}
 * when none was set
 */
public record SseMessage(String type, String data, String lastEventId) {

	/**
	 * The event type used when an event has no (or an empty) {@code event} field.
	 */
	public static final String DEFAULT_TYPE = "message";

	/**
	 * Creates an event, checking that no component is {@code null}.
	 * @param type the event type
	 * @param data the data
	 * @param lastEventId the last event ID string
	 */
	public SseMessage {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(data, "data");
		Objects.requireNonNull(lastEventId, "lastEventId");
	}

	/**
	 * Creates an event of the default type {@code "message"} with no last event ID.
	 * @param data the data
	 * @return the event
	 */
	public static SseMessage of(String data) {
		return new SseMessage(DEFAULT_TYPE, data, "");
	}

}
