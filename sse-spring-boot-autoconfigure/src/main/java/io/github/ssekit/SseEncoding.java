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
		int asciiLength = asciiLength(event);
		if (asciiLength >= 0) {
			return encodeAscii(event, asciiLength);
		}
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

	/**
	 * The exact encoded length of an event whose text is all ASCII, or -1 if any field holds a non-ASCII
	 * character (then the general UTF-8 path encodes it).
	 */
	private static int asciiLength(SseEvent event) {
		int length = 1;
		int part;
		if (event.comment() != null) {
			if ((part = linesLength(1, event.comment())) < 0) {
				return -1;
			}
			length += part;
		}
		if (event.id() != null) {
			if ((part = fieldLength(2, event.id())) < 0) {
				return -1;
			}
			length += part;
		}
		if (event.event() != null) {
			if ((part = fieldLength(5, event.event())) < 0) {
				return -1;
			}
			length += part;
		}
		if (event.retry() != null) {
			length += 8 + Long.toString(event.retry().toMillis()).length();
		}
		if (event.data() != null) {
			if ((part = linesLength(5, event.data())) < 0) {
				return -1;
			}
			length += part;
		}
		return length;
	}

	private static int fieldLength(int nameLength, String value) {
		if (!isAscii(value, 0, value.length())) {
			return -1;
		}
		return nameLength + 1 + (value.isEmpty() ? 0 : 1 + value.length()) + 1;
	}

	private static int linesLength(int prefixLength, String value) {
		int length = 0;
		int start = 0;
		int end = value.length();
		while (true) {
			int lineEnd = lineEnd(value, start);
			if (!isAscii(value, start, lineEnd)) {
				return -1;
			}
			length += prefixLength + ((lineEnd > start) ? 1 + lineEnd - start : 0) + 1;
			if (lineEnd == end) {
				return length;
			}
			start = nextLineStart(value, lineEnd);
		}
	}

	private static boolean isAscii(String value, int start, int end) {
		for (int i = start; i < end; i++) {
			if (value.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	private static int lineEnd(String value, int start) {
		int end = start;
		int length = value.length();
		while (end < length && value.charAt(end) != '\n' && value.charAt(end) != '\r') {
			end++;
		}
		return end;
	}

	private static int nextLineStart(String value, int lineEnd) {
		return (value.charAt(lineEnd) == '\r' && lineEnd + 1 < value.length() && value.charAt(lineEnd + 1) == '\n')
				? lineEnd + 2 : lineEnd + 1;
	}

	/**
	 * Encode an all-ASCII event straight into its byte array of known length: no intermediate string.
	 */
	private static byte[] encodeAscii(SseEvent event, int length) {
		byte[] bytes = new byte[length];
		int position = 0;
		if (event.comment() != null) {
			position = writeLines(bytes, position, ":", event.comment());
		}
		if (event.id() != null) {
			position = writeField(bytes, position, "id", event.id());
		}
		if (event.event() != null) {
			position = writeField(bytes, position, "event", event.event());
		}
		if (event.retry() != null) {
			position = writeAscii(bytes, position, "retry: ", 0, 7);
			String millis = Long.toString(event.retry().toMillis());
			position = writeAscii(bytes, position, millis, 0, millis.length());
			bytes[position++] = '\n';
		}
		if (event.data() != null) {
			position = writeLines(bytes, position, "data:", event.data());
		}
		bytes[position] = '\n';
		return bytes;
	}

	private static int writeField(byte[] bytes, int position, String name, String value) {
		position = writeAscii(bytes, position, name, 0, name.length());
		bytes[position++] = ':';
		if (!value.isEmpty()) {
			bytes[position++] = ' ';
			position = writeAscii(bytes, position, value, 0, value.length());
		}
		bytes[position++] = '\n';
		return position;
	}

	private static int writeLines(byte[] bytes, int position, String prefix, String value) {
		int start = 0;
		while (true) {
			int lineEnd = lineEnd(value, start);
			position = writeAscii(bytes, position, prefix, 0, prefix.length());
			if (lineEnd > start) {
				bytes[position++] = ' ';
				position = writeAscii(bytes, position, value, start, lineEnd);
			}
			bytes[position++] = '\n';
			if (lineEnd == value.length()) {
				return position;
			}
			start = nextLineStart(value, lineEnd);
		}
	}

	private static int writeAscii(byte[] bytes, int position, String value, int start, int end) {
		for (int i = start; i < end; i++) {
			bytes[position++] = (byte) value.charAt(i);
		}
		return position;
	}

	private static byte[] utf8(StringBuilder text) {
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

}
