package io.github.ssekit.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Reported when a connection received no bytes at all, heartbeats included, for the read
 * timeout: the connection is considered dead, dropped, and the client reconnects.
 */
public class SseReadTimeoutException extends SseException {

	private static final long serialVersionUID = 1L;

	/**
	 * The read timeout that elapsed.
	 */
	private final Duration timeout;

	/**
	 * Creates an exception.
	 * @param timeout the read timeout that elapsed
	 * @param cause the underlying timeout, if any
	 */
	public SseReadTimeoutException(Duration timeout, @Nullable Throwable cause) {
		super("No bytes received for " + timeout.toMillis() + " ms");
		this.timeout = timeout;
		if (cause != null) {
			initCause(cause);
		}
	}

	/**
	 * Returns the read timeout that elapsed.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
