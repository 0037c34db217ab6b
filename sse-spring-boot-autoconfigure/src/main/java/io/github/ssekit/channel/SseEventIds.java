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
	 * Return whether an id comes after another in channel order, parsing each once; an id
	 * that is not a channel event id is taken to follow (nothing can be skipped by it).
	 * @param id an id
	 * @param previous the id it is compared with
	 * @return {@code true} if {@code id} follows {@code previous} or either is malformed
	 */
	static boolean follows(String id, String previous) {
		long[] next = parse(id);
		long[] last = (next != null) ? parse(previous) : null;
		if (next == null || last == null) {
			return true;
		}
		return (next[0] != last[0]) ? next[0] > last[0] : next[1] > last[1];
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

	private static long[] require(String id) {
		long[] parts = parse(id);
		if (parts == null) {
			throw new IllegalArgumentException("Not a channel event id (<millis>-<sequence>): '" + id + "'");
		}
		return parts;
	}

	private static long @Nullable [] parse(String id) {
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
