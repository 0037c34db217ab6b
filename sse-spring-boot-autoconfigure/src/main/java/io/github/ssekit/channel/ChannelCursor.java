package io.github.ssekit.channel;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The id that a stream on several channels gives each of its events: where the stream
 * stands on every one of its channels, so that its single {@code Last-Event-ID} resumes
 * them all. Its form is {@code c<entry>_<entry>...}, each entry
 * {@code <channel hash>.<millis>.<sequence>} in lower-case base 36: the channel's name is
 * hashed to 40 bits, so the cursor stays short whatever the names, and the position is
 * the channel event id {@code <millis>-<sequence>}.
 * <p>
 * A cursor comes back from the client, which may have changed it: parsing is one pass
 * over at most {@link #MAX_LENGTH} characters, with no backtracking, and a cursor that is
 * not of this form is refused as a whole.
 *
 * @author ssekit
 */
final class ChannelCursor {

	/** The most channels a stream may resume as a whole. */
	static final int MAX_CHANNELS = 16;

	/** The longest cursor: every entry at its longest. */
	static final int MAX_LENGTH = 1 + MAX_CHANNELS * (8 + 1 + 13 + 1 + 13 + 1);

	private static final char PREFIX = 'c';

	private static final byte ENTRY_SEPARATOR = '_';

	private static final byte[] ID_LINE_START = "id: c".getBytes(StandardCharsets.US_ASCII);

	private static final char PART_SEPARATOR = '.';

	private static final long HASH_MASK = (1L << 40) - 1;

	private ChannelCursor() {
	}

	/**
	 * Return a channel name's hash, as cursors name the channel.
	 * @param channel the channel name
	 * @return the hash, 40 bits
	 */
	static long hash(String channel) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < channel.length(); i++) {
			hash ^= channel.charAt(i);
			hash *= 0x100000001b3L;
		}
		return (hash ^ (hash >>> 40)) & HASH_MASK;
	}

	/**
	 * Return the entry of one channel.
	 * @param hash the channel's hash
	 * @param millis the time part of the channel event id the stream stands at
	 * @param sequence its sequence part
	 * @return the entry, in ASCII
	 */
	static byte[] entry(long hash, long millis, long sequence) {
		return (Long.toString(hash, 36) + PART_SEPARATOR + Long.toString(millis, 36) + PART_SEPARATOR
				+ Long.toString(sequence, 36))
			.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Return the entry of one channel.
	 * @param hash the channel's hash
	 * @param id the channel event id the stream stands at
	 * @return the entry, in ASCII
	 */
	static byte[] entry(long hash, String id) {
		long[] parts = SseEventIds.require(id);
		return entry(hash, parts[0], parts[1]);
	}

	/**
	 * Return the {@code id} line of the given entries followed by an event's other lines.
	 * @param entries the entries, {@code null} for a channel whose position is unknown
	 * @param body the event's encoding without an id line
	 * @return the encoded event
	 */
	static byte[] encode(byte[][] entries, byte[] body) {
		int length = ID_LINE_START.length + 1 + body.length;
		boolean first = true;
		for (byte[] entry : entries) {
			if (entry != null) {
				length += entry.length + (first ? 0 : 1);
				first = false;
			}
		}
		byte[] bytes = new byte[length];
		System.arraycopy(ID_LINE_START, 0, bytes, 0, ID_LINE_START.length);
		int position = ID_LINE_START.length;
		first = true;
		for (byte[] entry : entries) {
			if (entry != null) {
				if (!first) {
					bytes[position++] = ENTRY_SEPARATOR;
				}
				System.arraycopy(entry, 0, bytes, position, entry.length);
				position += entry.length;
				first = false;
			}
		}
		bytes[position++] = '\n';
		System.arraycopy(body, 0, bytes, position, body.length);
		return bytes;
	}

	/**
	 * Return the cursor of the given entries.
	 * @param entries the entries, {@code null} for a channel whose position is unknown
	 * @return the cursor
	 */
	static String of(byte[][] entries) {
		StringBuilder cursor = new StringBuilder(1 + entries.length * 24).append(PREFIX);
		for (byte[] entry : entries) {
			if (entry != null) {
				if (cursor.length() > 1) {
					cursor.append((char) ENTRY_SEPARATOR);
				}
				cursor.append(new String(entry, StandardCharsets.US_ASCII));
			}
		}
		return cursor.toString();
	}

	/**
	 * Parse a cursor.
	 * @param cursor the text the client sent
	 * @return the channel event id of each channel hash, or {@code null} if the text is
	 * not a cursor
	 */
	static @Nullable Map<Long, String> parse(String cursor) {
		int length = cursor.length();
		if (length < 2 || length > MAX_LENGTH || cursor.charAt(0) != PREFIX) {
			return null;
		}
		Map<Long, String> positions = new HashMap<>();
		long[] parts = new long[3];
		int position = 1;
		while (true) {
			for (int part = 0; part < 3; part++) {
				int end = position;
				while (end < length && isDigit(cursor.charAt(end))) {
					end++;
				}
				if (end == position || end - position > 13) {
					return null;
				}
				try {
					parts[part] = Long.parseLong(cursor, position, end, 36);
				}
				catch (NumberFormatException ex) {
					return null;
				}
				char expected = (part < 2) ? PART_SEPARATOR : (char) ENTRY_SEPARATOR;
				if (end < length && cursor.charAt(end) != expected) {
					return null;
				}
				if (end == length && part < 2) {
					return null;
				}
				position = end + 1;
			}
			if (parts[0] > HASH_MASK || positions.size() == MAX_CHANNELS
					|| positions.putIfAbsent(parts[0], SseEventIds.of(parts[1], parts[2])) != null) {
				return null;
			}
			if (position > length) {
				return positions;
			}
			if (position == length) {
				return null;
			}
		}
	}

	private static boolean isDigit(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
	}

}
