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
	 * End the response. Called once, after the last write was flushed or after a failure.
	 */
	void complete();

}
