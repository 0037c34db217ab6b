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

	private static final byte[] COMMENT_PREFIX = { ':' };

	private static final byte[] ID_PREFIX = ascii("id:");

	private static final byte[] EVENT_PREFIX = ascii("event:");

	private static final byte[] RETRY_PREFIX = ascii("retry:");

	private static final byte[] DATA_PREFIX = ascii("data:");

	private SseEncoding() {
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] encode(SseEvent event) {
		// Each field is turned into UTF-8 by String.getBytes, which the JVM does with
		// vector instructions, then copied into one array of the exact length. CR and LF
		// are ASCII and never occur inside a multi-byte UTF-8 sequence, so splitting data
		// into lines on the bytes is the same as splitting the text.
		byte[] comment = utf8(event.comment());
		byte[] id = utf8(event.id());
		byte[] name = utf8(event.event());
		byte[] retry = (event.retry() != null) ? ascii(Long.toString(event.retry().toMillis())) : null;
		String text = event.data();
		byte[] data = utf8(text);
		boolean singleLineData = text != null && isSingleLine(text);
		int length = 1;
		if (comment != null) {
			length += linesLength(COMMENT_PREFIX.length, comment);
		}
		if (id != null) {
			length += fieldLength(ID_PREFIX.length, id);
		}
		if (name != null) {
			length += fieldLength(EVENT_PREFIX.length, name);
		}
		if (retry != null) {
			length += fieldLength(RETRY_PREFIX.length, retry);
		}
		if (data != null) {
			length += singleLineData ? fieldLength(DATA_PREFIX.length, data) : linesLength(DATA_PREFIX.length, data);
		}
		byte[] bytes = new byte[length];
		int position = 0;
		if (comment != null) {
			position = writeLines(bytes, position, COMMENT_PREFIX, comment);
		}
		if (id != null) {
			position = writeField(bytes, position, ID_PREFIX, id);
		}
		if (name != null) {
			position = writeField(bytes, position, EVENT_PREFIX, name);
		}
		if (retry != null) {
			position = writeField(bytes, position, RETRY_PREFIX, retry);
		}
		if (data != null) {
			position = singleLineData ? writeField(bytes, position, DATA_PREFIX, data)
					: writeLines(bytes, position, DATA_PREFIX, data);
		}
		bytes[position] = '\n';
		return bytes;
	}

	/**
	 * Return an event's encoding with its id line replaced, the other lines copied: the
	 * id line follows the comment lines, if any, and comes before every other field.
	 * @param event the event
	 * @param encoded its encoding
	 * @param id the new id, or {@code null} for none
	 * @return the encoding with the new id
	 */
	static byte[] replaceId(SseEvent event, byte[] encoded, @Nullable String id) {
		byte[] comment = utf8(event.comment());
		int idStart = (comment != null) ? linesLength(COMMENT_PREFIX.length, comment) : 0;
		byte[] oldId = utf8(event.id());
		int idEnd = idStart + ((oldId != null) ? fieldLength(ID_PREFIX.length, oldId) : 0);
		byte[] newId = utf8(id);
		int newIdLength = (newId != null) ? fieldLength(ID_PREFIX.length, newId) : 0;
		byte[] bytes = new byte[encoded.length - (idEnd - idStart) + newIdLength];
		System.arraycopy(encoded, 0, bytes, 0, idStart);
		int position = (newId != null) ? writeField(bytes, idStart, ID_PREFIX, newId) : idStart;
		System.arraycopy(encoded, idEnd, bytes, position, encoded.length - idEnd);
		return bytes;
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

	/**
	 * Whether the text has no line break, found with the JVM's intrinsic character
	 * search.
	 */
	private static boolean isSingleLine(String text) {
		return text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
	}

	private static byte @Nullable [] utf8(@Nullable String value) {
		return (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null;
	}

	private static int fieldLength(int prefixLength, byte[] value) {
		return fieldLength(prefixLength, value.length);
	}

	/**
	 * One line per line of the value, each with the prefix, as {@link #writeLines} writes
	 * them.
	 */
	private static int linesLength(int prefixLength, byte[] value) {
		int length = 0;
		int start = 0;
		while (true) {
			int lineEnd = lineEnd(value, start);
			length += fieldLength(prefixLength, lineEnd - start);
			if (lineEnd == value.length) {
				return length;
			}
			start = nextLineStart(value, lineEnd);
		}
	}

	/** A single-line field: name, colon, a space and the value unless it is empty, LF. */
	private static int fieldLength(int prefixLength, int valueLength) {
		return prefixLength + ((valueLength > 0) ? 1 + valueLength : 0) + 1;
	}

	private static int writeField(byte[] bytes, int position, byte[] prefix, byte[] value) {
		return writeLine(bytes, position, prefix, value, 0, value.length);
	}

	private static int writeLines(byte[] bytes, int position, byte[] prefix, byte[] value) {
		int start = 0;
		while (true) {
			int lineEnd = lineEnd(value, start);
			position = writeLine(bytes, position, prefix, value, start, lineEnd);
			if (lineEnd == value.length) {
				return position;
			}
			start = nextLineStart(value, lineEnd);
		}
	}

	private static int writeLine(byte[] bytes, int position, byte[] prefix, byte[] value, int start, int end) {
		System.arraycopy(prefix, 0, bytes, position, prefix.length);
		position += prefix.length;
		if (end > start) {
			bytes[position++] = ' ';
			System.arraycopy(value, start, bytes, position, end - start);
			position += end - start;
		}
		bytes[position++] = '\n';
		return position;
	}

	private static int lineEnd(byte[] value, int start) {
		int end = start;
		while (end < value.length && value[end] != '\n' && value[end] != '\r') {
			end++;
		}
		return end;
	}

	private static int nextLineStart(byte[] value, int lineEnd) {
		return (value[lineEnd] == '\r' && lineEnd + 1 < value.length && value[lineEnd + 1] == '\n') ? lineEnd + 2
				: lineEnd + 1;
	}

}
