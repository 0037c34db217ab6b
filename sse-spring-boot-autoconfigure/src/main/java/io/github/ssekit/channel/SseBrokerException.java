package io.github.ssekit.channel;

/**
 * Thrown when a channel's broker cannot store or deliver an event, for example because
 * Redis is unreachable. The event was not published.
 *
 * @author ssekit
 */
public class SseBrokerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public SseBrokerException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Create a new exception.
	 * @param message the detail message
	 */
	public SseBrokerException(String message) {
		super(message);
	}

}
