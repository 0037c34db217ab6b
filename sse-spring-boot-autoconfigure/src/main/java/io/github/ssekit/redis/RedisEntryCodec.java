package io.github.ssekit.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.StreamMessage;
import org.jspecify.annotations.Nullable;

/**
 * Maps an {@link SseEvent} to the fields of a Redis stream entry and back, and the entry
 * ids the broker uses: the id Redis assigns to an entry is the event's id.
 *
 * @author ssekit
 */
final class RedisEntryCodec {

	/** Stream field holding the event name. */
	static final String EVENT_FIELD = "event";

	/** Stream field holding the data. */
	static final String DATA_FIELD = "data";

	/** Stream field holding the reconnection time in milliseconds. */
	static final String RETRY_FIELD = "retry";

	/** Stream field holding the comment. */
	static final String COMMENT_FIELD = "comment";

	/** The id before every entry of a stream. */
	static final String STREAM_START = "0-0";

	private RedisEntryCodec() {
	}

	/**
	 * Return the stream fields of an event, without its id.
	 * @param event the event
	 * @return the fields the event has, in a stable order
	 */
	static Map<String, String> encode(SseEvent event) {
		Map<String, String> fields = new LinkedHashMap<>(4);
		putIfPresent(fields, EVENT_FIELD, event.event());
		putIfPresent(fields, DATA_FIELD, event.data());
		Duration retry = event.retry();
		putIfPresent(fields, RETRY_FIELD, (retry != null) ? Long.toString(retry.toMillis()) : null);
		putIfPresent(fields, COMMENT_FIELD, event.comment());
		return fields;
	}

	/**
	 * Return the event a stream entry holds, with the entry's id as its id.
	 * @param entry the entry
	 * @return the event
	 * @throws RuntimeException if the entry is not an SSE event
	 */
	static SseEvent decode(StreamMessage<String, String> entry) {
		Map<String, String> body = entry.getBody();
		String retry = body.get(RETRY_FIELD);
		return SseEvent.builder()
			.id(entry.getId())
			.event(body.get(EVENT_FIELD))
			.data(body.get(DATA_FIELD))
			.retry((retry != null) ? Duration.ofMillis(Long.parseLong(retry)) : null)
			.comment(body.get(COMMENT_FIELD))
			.build();
	}

	/**
	 * Return the first entry id at the given time.
	 * @param millis the time in milliseconds since the epoch, clamped at {@code 0}
	 * @return the id
	 */
	static String firstIdAt(long millis) {
		return SseEventIds.of(Math.max(0, millis), 0);
	}

	private static void putIfPresent(Map<String, String> fields, String name, @Nullable String value) {
		if (value != null) {
			fields.put(name, value);
		}
	}

}
