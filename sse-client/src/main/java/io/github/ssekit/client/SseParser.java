package io.github.ssekit.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Interprets a {@code text/event-stream} as the WHATWG HTML standard specifies (section
 * 9.2.6, "Event stream interpretation"), fed raw bytes in pieces of any size.
 * <p>
 * Lines end with CR, LF or CRLF (also when a CR and its LF arrive in different pieces);
 * each line is decoded as UTF-8, so a character may be split across pieces and invalid
 * bytes become U+FFFD; only a byte order mark at the very start of the stream is skipped.
 * An event is dispatched on a blank line; {@link #end()} discards an incomplete last
 * event.
 * <p>
 * The bytes buffered for the event being parsed (its field lines, line ends excluded, and
 * the line being read) and the length of a comment line are bounded by a maximum event
 * size, so memory stays bounded whatever the server sends.
 * <p>
 * A parser is not thread-safe: feed it from one thread at a time. {@link #lastEventId()}
 * and {@link #retry()} may be read from any thread.
 */
public final class SseParser {

	/**
	 * The default maximum event size: 1 MiB.
	 */
	public static final int DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final int COPY_SIZE = 8192;

	private final Listener listener;

	private final int maxEventSize;

	private final StringBuilder data = new StringBuilder();

	private byte[] line = new byte[128];

	private int lineLength;

	private long eventSize;

	private boolean skipLineFeed;

	private boolean startOfStream = true;

	private String eventType = "";

	private String lastEventIdBuffer;

	private volatile String lastEventId;

	private volatile @Nullable Long retry;

	/**
	 * Creates a parser with the {@linkplain #DEFAULT_MAX_EVENT_SIZE default maximum event
	 * size} and an empty last event ID.
	 * @param listener receives the events, comments and reconnection times
	 */
	public SseParser(Listener listener) {
		this(listener, "", DEFAULT_MAX_EVENT_SIZE);
	}

	private SseParser(Listener listener, String lastEventId, int maxEventSize) {
		this.listener = Objects.requireNonNull(listener, "listener");
		this.lastEventId = lastEventId;
		this.lastEventIdBuffer = lastEventId;
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Starts building a parser.
	 * @param listener receives the events, comments and reconnection times
	 * @return a builder
	 */
	public static Builder builder(Listener listener) {
		return new Builder(listener);
	}

	/**
	 * Parses a whole stream given as text: encodes it as UTF-8 (a leading U+FEFF becomes
	 * a byte order mark), feeds it and ends it. Handy in tests.
	 * @param stream the stream text
	 * @return the dispatched events, in order
	 */
	public static List<SseMessage> parse(String stream) {
		return parse(stream.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Parses a whole stream: feeds the bytes and ends the stream. Handy in tests.
	 * @param stream the stream bytes
	 * @return the dispatched events, in order
	 */
	public static List<SseMessage> parse(byte[] stream) {
		List<SseMessage> events = new ArrayList<>();
		SseParser parser = builder(events::add).maxEventSize(Integer.MAX_VALUE).build();
		parser.feed(stream, 0, stream.length);
		parser.end();
		return events;
	}

	/**
	 * Feeds the next bytes of the stream.
	 * @param bytes the array holding the bytes
	 * @param offset the index of the first byte
	 * @param length the number of bytes
	 * @throws SseEventTooLargeException if the event being parsed exceeds the maximum
	 * event size
	 */
	public void feed(byte[] bytes, int offset, int length) {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		int end = offset + length;
		int start = offset;
		for (int i = offset; i < end; i++) {
			byte current = bytes[i];
			if (this.skipLineFeed) {
				this.skipLineFeed = false;
				if (current == LF) {
					start = i + 1;
					continue;
				}
			}
			if (current == CR || current == LF) {
				append(bytes, start, i - start);
				this.skipLineFeed = (current == CR);
				endLine();
				start = i + 1;
			}
		}
		append(bytes, start, end - start);
	}

	/**
	 * Feeds the next bytes of the stream: the remaining bytes of the buffer, whose
	 * position is moved to its limit.
	 * @param buffer the bytes
	 * @throws SseEventTooLargeException if the event being parsed exceeds the maximum
	 * event size
	 */
	public void feed(ByteBuffer buffer) {
		if (buffer.hasArray()) {
			feed(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
			buffer.position(buffer.limit());
			return;
		}
		byte[] copy = new byte[Math.min(COPY_SIZE, buffer.remaining())];
		while (buffer.hasRemaining()) {
			int length = Math.min(copy.length, buffer.remaining());
			buffer.get(copy, 0, length);
			feed(copy, 0, length);
		}
	}

	/**
	 * Ends the stream: an incomplete last event (one not followed by a blank line) is
	 * discarded, as is an {@code id} it carried. The parser can then be fed a new stream
	 * (for example after a reconnection); it keeps its {@linkplain #lastEventId() last
	 * event ID} and {@linkplain #retry() reconnection time}.
	 */
	public void end() {
		discardEvent();
		this.skipLineFeed = false;
		this.startOfStream = true;
	}

	/**
	 * Returns the last event ID string: the value a client sends as {@code Last-Event-ID}
	 * when it reconnects ({@code ""} means no header).
	 * @return the last event ID, never {@code null}
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Returns the reconnection time of the last valid {@code retry} field.
	 * @return the reconnection time in milliseconds, or {@code null} if no valid
	 * {@code retry} field was seen
	 */
	public @Nullable Long retry() {
		return this.retry;
	}

	/**
	 * Returns the maximum event size.
	 * @return the maximum number of bytes buffered for one event
	 */
	public int maxEventSize() {
		return this.maxEventSize;
	}

	private void append(byte[] bytes, int offset, int length) {
		if (length == 0) {
			return;
		}
		if (bufferedSize(bytes[offset]) + length > this.maxEventSize) {
			discardEvent();
			throw new SseEventTooLargeException(this.maxEventSize);
		}
		if (this.lineLength + length > this.line.length) {
			long doubled = 2L * this.line.length;
			int capacity = (int) Math.min(Math.max(this.lineLength + length, doubled), this.maxEventSize);
			this.line = Arrays.copyOf(this.line, capacity);
		}
		System.arraycopy(bytes, offset, this.line, this.lineLength, length);
		this.lineLength += length;
	}

	private long bufferedSize(byte next) {
		boolean comment = (this.lineLength > 0) ? this.line[0] == ':' : next == ':';
		return comment ? this.lineLength : this.eventSize + this.lineLength;
	}

	private void endLine() {
		String text = new String(this.line, 0, this.lineLength, StandardCharsets.UTF_8);
		int size = this.lineLength;
		this.lineLength = 0;
		if (this.startOfStream) {
			this.startOfStream = false;
			text = withoutByteOrderMark(text);
		}
		processLine(text, size);
	}

	private static String withoutByteOrderMark(String text) {
		return (text.startsWith("\uFEFF")) ? text.substring(1) : text;
	}

	private void processLine(String text, int size) {
		if (text.isEmpty()) {
			dispatch();
		}
		else if (text.charAt(0) == ':') {
			this.listener.onComment(text.substring(1));
		}
		else {
			this.eventSize += size;
			processField(text);
		}
	}

	private void processField(String text) {
		int colon = text.indexOf(':');
		if (colon < 0) {
			processField(text, "");
			return;
		}
		int valueStart = (colon + 1 < text.length() && text.charAt(colon + 1) == ' ') ? colon + 2 : colon + 1;
		processField(text.substring(0, colon), text.substring(valueStart));
	}

	private void processField(String name, String value) {
		switch (name) {
			case "event" -> this.eventType = value;
			case "data" -> this.data.append(value).append('\n');
			case "id" -> processId(value);
			case "retry" -> processRetry(value);
			default -> {
			}
		}
	}

	private void processId(String value) {
		if (value.indexOf('\0') < 0) {
			this.lastEventIdBuffer = value;
		}
	}

	private void processRetry(String value) {
		if (!isAsciiDigits(value)) {
			return;
		}
		long milliseconds = parseClamped(value);
		this.retry = milliseconds;
		this.listener.onRetry(milliseconds);
	}

	private static boolean isAsciiDigits(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	private static long parseClamped(String digits) {
		long result = 0;
		for (int i = 0; i < digits.length(); i++) {
			int digit = digits.charAt(i) - '0';
			if (result > (Long.MAX_VALUE - digit) / 10) {
				return Long.MAX_VALUE;
			}
			result = result * 10 + digit;
		}
		return result;
	}

	private void dispatch() {
		this.eventSize = 0;
		this.lastEventId = this.lastEventIdBuffer;
		if (this.data.length() == 0) {
			this.eventType = "";
			return;
		}
		String eventData = this.data.substring(0, this.data.length() - 1);
		String type = this.eventType.isEmpty() ? SseMessage.DEFAULT_TYPE : this.eventType;
		this.data.setLength(0);
		this.eventType = "";
		this.listener.onEvent(new SseMessage(type, eventData, this.lastEventId));
	}

	private void discardEvent() {
		this.lineLength = 0;
		this.eventSize = 0;
		this.data.setLength(0);
		this.eventType = "";
		this.lastEventIdBuffer = this.lastEventId;
	}

	/**
	 * Receives what a {@link SseParser} interprets. Methods are called on the thread that
	 * feeds the parser; an exception thrown by a method propagates out of {@code feed},
	 * after the parser has finished with the line.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called when an event is dispatched.
		 * @param event the event
		 */
		void onEvent(SseMessage event);

		/**
		 * Called for a comment line (a line starting with a colon).
		 * @param comment the text after the colon, unchanged
		 */
		default void onComment(String comment) {
		}

		/**
		 * Called for a valid {@code retry} field.
		 * @param milliseconds the new reconnection time (clamped to
		 * {@link Long#MAX_VALUE})
		 */
		default void onRetry(long milliseconds) {
		}

	}

	/**
	 * Builds a {@link SseParser}.
	 */
	public static final class Builder {

		private final Listener listener;

		private String lastEventId = "";

		private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;

		private Builder(Listener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
		}

		/**
		 * Sets the initial last event ID, for example the one of a previous connection.
		 * @param lastEventId the last event ID; {@code ""} for none
		 * @return this builder
		 */
		public Builder lastEventId(String lastEventId) {
			this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
			return this;
		}

		/**
		 * Sets the maximum number of bytes buffered for one event (its field lines, line
		 * ends excluded, and the line being read), which also bounds the length of a
		 * comment line.
		 * @param maxEventSize the maximum event size in bytes, at least 1
		 * @return this builder
		 */
		public Builder maxEventSize(int maxEventSize) {
			if (maxEventSize < 1) {
				throw new IllegalArgumentException("maxEventSize must be positive: " + maxEventSize);
			}
			this.maxEventSize = maxEventSize;
			return this;
		}

		/**
		 * Builds the parser.
		 * @return a new parser
		 */
		public SseParser build() {
			return new SseParser(this.listener, this.lastEventId, this.maxEventSize);
		}

	}

}
