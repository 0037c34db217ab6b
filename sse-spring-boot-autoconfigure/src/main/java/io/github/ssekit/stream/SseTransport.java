package io.github.ssekit.stream;

import java.io.IOException;

/**
 * Where a {@link DefaultSseStream} writes: a non-blocking response body. Only one thread
 * at a time calls these methods.
 *
 * @author ssekit
 */
public interface SseTransport {

	/**
	 * Whether a write or flush may be made now without blocking. Returning {@code false}
	 * registers interest: the transport later calls
	 * {@link DefaultSseStream#writePossible()}.
	 * @return whether the transport accepts a write
	 */
	boolean isReady();

	void write(byte[] bytes) throws IOException;

	void flush() throws IOException;

	/**
	 * Whether {@link #write(byte[])} and {@link #flush()} may block until the client
	 * takes the bytes: such a transport is written on the publishing thread, never on a
	 * pool's.
	 * @return {@code true} if writes may block; {@code false} by default
	 */
	default boolean isBlocking() {
		return false;
	}

	/**
	 * End the response. Called once, after the last write was flushed or after a failure.
	 */
	void complete();

}
