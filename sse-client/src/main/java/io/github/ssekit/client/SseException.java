package io.github.ssekit.client;

/**
 * Base class of the exceptions raised or reported by this library.
 */
public class SseException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message the detail message
	 */
	public SseException(String message) {
		super(message);
	}

}
