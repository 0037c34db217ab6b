package io.github.ssekit;

/**
 * What a stream does when its outbound queue is full because the client reads more slowly
 * than events are published.
 *
 * @author ssekit
 */
public enum OverflowPolicy {

	/**
	 * Close the stream: the slow client is disconnected and reconnects later with its
	 * {@code Last-Event-ID}. The publish that overflowed throws
	 * {@link SseStreamClosedException}.
	 */
	DISCONNECT,

	/**
	 * Drop the oldest queued events to make room; every dropped event is counted.
	 */
	DROP_OLDEST

}
