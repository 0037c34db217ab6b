package io.github.ssekit;

/**
 * Thrown by {@link SseStream#publish(SseEvent)} and its variants when the stream is no
 * longer open: the client went away, the application closed it, its maximum lifetime
 * passed, the application is shutting down, or the client could not keep up. The Java
 * form of "stop publishing".
 *
 * @author ssekit
 */
public class SseStreamClosedException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 */
	public SseStreamClosedException(String message) {
		super(message);
	}

}
