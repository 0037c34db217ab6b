package io.github.ssekit.client;

/**
 * Raised by {@link SseParser#feed(byte[], int, int)} when the event being accumulated, or
 * a single line, grows beyond the parser's maximum event size. The parser has discarded
 * the event; the stream should be abandoned.
 */
public class SseEventTooLargeException extends SseException {

	private static final long serialVersionUID = 1L;

	/**
	 * The limit that was exceeded, in bytes.
	 */
	private final int maxEventSize;

	/**
	 * Creates an exception.
	 * @param maxEventSize the limit that was exceeded, in bytes
	 */
	public SseEventTooLargeException(int maxEventSize) {
		super("Event exceeds the maximum event size of " + maxEventSize + " bytes");
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Returns the limit that was exceeded.
	 * @return the maximum event size in bytes
	 */
	public int maxEventSize() {
		return this.maxEventSize;
	}

}
