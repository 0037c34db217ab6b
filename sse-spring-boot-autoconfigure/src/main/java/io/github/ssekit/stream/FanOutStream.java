package io.github.ssekit.stream;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;

/**
 * The seam between fan-out and the stream engine: a stream that queues an event without
 * writing it, so that one publisher queues an event, encoded once, on many streams while
 * holding its lock, and writes them all after releasing it. The channels use it for every
 * stream that the engine made.
 *
 * @author ssekit
 */
public interface FanOutStream extends SseStream {

	/**
	 * Queue an event without writing it. When the queue overflows and the stream is
	 * evicted, its close callbacks run on the next {@link #drain()}, never in this call.
	 * @param event the event, whose encoded bytes are shared, not copied
	 * @return {@code true} if the event was queued, {@code false} if the stream is closed
	 * or was evicted by this call
	 */
	boolean offer(SseEvent event);

	/**
	 * Queue an encoded event without writing it, as {@link #offer(SseEvent)} does: for a
	 * publisher that writes an event's bytes itself, such as a stream's own id line in
	 * front of bytes shared with other streams.
	 * @param encoded the event's wire form, ending with a blank line; not copied
	 * @return {@code true} if the event was queued, {@code false} if the stream is closed
	 * or was evicted by this call
	 */
	boolean offerEncoded(byte[] encoded);

	/**
	 * Write what is queued while the client takes it, never waiting for the client. Safe
	 * to call from any thread.
	 */
	void drain();

}
