package io.github.ssekit.client;

/**
 * Reported when a server answers an event-stream request with a status other than 200
 * (and 204) or with a content type other than {@code text/event-stream}. The client does
 * not reconnect.
 */
public class SseResponseException extends SseException {

	private static final long serialVersionUID = 1L;

	private final transient SseResponse response;

	/**
	 * Creates an exception.
	 * @param message the detail message
	 * @param response the rejected response
	 */
	public SseResponseException(String message, SseResponse response) {
		super(message);
		this.response = response;
	}

	/**
	 * Returns the rejected response.
	 * @return the response status and headers
	 */
	public SseResponse response() {
		return this.response;
	}

	/**
	 * Returns the status code of the rejected response.
	 * @return the HTTP status code
	 */
	public int statusCode() {
		return this.response.statusCode();
	}

}
