package io.github.ssekit;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Encodes events and comments in the {@code text/event-stream} wire format: UTF-8, no
 * BOM, fields in the order id, event, retry, data, and a blank line at the end.
 *
 * @author ssekit
 */
final class SseEncoding {

	private SseEncoding() {
	}

	static byte[] encode(SseEvent event) {
		StringBuilder text = new StringBuilder(estimateLength(event));
		if (event.comment() != null) {
			appendLines(text, ":", event.comment());
		}
		appendField(text, "id", event.id());
		appendField(text, "event", event.event());
		if (event.retry() != null) {
			text.append("retry: ").append(event.retry().toMillis()).append('\n');
		}
		if (event.data() != null) {
			appendLines(text, "data:", event.data());
		}
		text.append('\n');
		return utf8(text);
	}

	static @Nullable String checkSingleLine(String field, @Nullable String value) {
		if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
			throw new IllegalArgumentException("SSE field '" + field + "' must not contain CR or LF");
		}
		return value;
	}

	static @Nullable String checkId(@Nullable String id) {
		checkSingleLine("id", id);
		if (id != null && id.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("SSE field 'id' must not contain NUL");
		}
		return id;
	}

	private static int estimateLength(SseEvent event) {
		int length = 16;
		length += (event.data() != null) ? event.data().length() + 8 : 0;
		length += (event.event() != null) ? event.event().length() + 8 : 0;
		length += (event.id() != null) ? event.id().length() + 5 : 0;
		length += (event.comment() != null) ? event.comment().length() + 3 : 0;
		return length;
	}

	private static void appendField(StringBuilder text, String name, @Nullable String value) {
		if (value != null) {
			text.append(name).append(':');
			if (!value.isEmpty()) {
				text.append(' ').append(value);
			}
			text.append('\n');
		}
	}

	private static void appendLines(StringBuilder text, String prefix, String value) {
		int start = 0;
		int length = value.length();
		while (true) {
			int end = start;
			while (end < length && value.charAt(end) != '\n' && value.charAt(end) != '\r') {
				end++;
			}
			text.append(prefix);
			if (end > start) {
				text.append(' ').append(value, start, end);
			}
			text.append('\n');
			if (end == length) {
				return;
			}
			start = (value.charAt(end) == '\r' && end + 1 < length && value.charAt(end + 1) == '\n') ? end + 2
					: end + 1;
		}
	}

	private static byte[] utf8(StringBuilder text) {
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

}
