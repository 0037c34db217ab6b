package io.github.ssekit.channel;

import org.jspecify.annotations.Nullable;

/**
 * Channel event ids: {@code <millis>-<sequence>}, two non-negative decimal numbers, the
 * form Redis Streams use for entry ids.
 *
 * @author ssekit
 */
public final class SseEventIds {

	private SseEventIds() {
	}

	/**
	 * Return the id for the given parts.
	 * @param millis the time part
	 * @param sequence the sequence part
	 * @return the id
	 */
	public static String of(long millis, long sequence) {
		return millis + "-" + sequence;
	}

	/**
	 * Return whether the given string is a channel event id.
	 * @param id the string, possibly {@code null}
	 * @return {@code true} if it has the form {@code <millis>-<sequence>}
	 */
	public static boolean isValid(@Nullable String id) {
		return id != null && parse(id) != null;
	}

	/**
	 * Compare two ids in channel order.
	 * @param left an id
	 * @param right another id
	 * @return a negative number, zero or a positive number as {@code left} comes before,
	 * is, or comes after {@code right}
	 * @throws IllegalArgumentException if either is not a channel event id
	 */
	public static int compare(String left, String right) {
		long[] l = require(left);
		long[] r = require(right);
		int result = Long.compare(l[0], r[0]);
		return (result != 0) ? result : Long.compare(l[1], r[1]);
	}

	/**
	 * Return the time part of an id.
	 * @param id the id
	 * @return the milliseconds
	 * @throws IllegalArgumentException if it is not a channel event id
	 */
	public static long millis(String id) {
		return require(id)[0];
	}

	/**
	 * Return the sequence part of an id.
	 * @param id the id
	 * @return the sequence
	 * @throws IllegalArgumentException if it is not a channel event id
	 */
	public static long sequence(String id) {
		return require(id)[1];
	}

	/**
	 * Parse an id that must be a channel event id.
	 * @param id the id
	 * @return its time and sequence parts
	 * @throws IllegalArgumentException if it is not a channel event id
	 */
	static long[] require(String id) {
		long[] parts = parse(id);
		if (parts == null) {
			throw new IllegalArgumentException("Not a channel event id (<millis>-<sequence>): '" + id + "'");
		}
		return parts;
	}

	/**
	 * Parse an id.
	 * @param id the id
	 * @return its time and sequence parts, or {@code null} if it is not a channel event
	 * id
	 */
	static long @Nullable [] parse(String id) {
		int dash = id.indexOf('-');
		if (dash <= 0 || dash == id.length() - 1 || dash > 19 || id.length() - dash - 1 > 19) {
			return null;
		}
		if (!digits(id, 0, dash) || !digits(id, dash + 1, id.length())) {
			return null;
		}
		try {
			return new long[] { Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, id.length(), 10) };
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static boolean digits(String text, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
