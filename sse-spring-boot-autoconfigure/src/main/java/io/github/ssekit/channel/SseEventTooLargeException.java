package io.github.ssekit.channel;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * Thrown when an event published on a channel is larger than
 * {@code sse.channels.max-event-size}. The event was neither stored nor delivered. In a
 * Spring MVC request it answers {@code 413 Content Too Large} with a Problem Detail.
 *
 * @author ssekit
 */
public class SseEventTooLargeException extends IllegalArgumentException implements ErrorResponse {

	private static final long serialVersionUID = 1L;

	private final long size;

	private final long maxSize;

	private final ProblemDetail body;

	/**
	 * Create a new exception.
	 * @param channel the channel's name
	 * @param size the encoded size of the event, in bytes
	 * @param maxSize the largest size a channel takes, in bytes
	 */
	public SseEventTooLargeException(String channel, long size, long maxSize) {
		super("SSE event of " + size + " bytes is larger than sse.channels.max-event-size (" + maxSize
				+ " bytes); it was not published on channel '" + channel + "'");
		this.size = size;
		this.maxSize = maxSize;
		this.body = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
				"The event is larger than the " + maxSize + " bytes a channel takes");
	}

	/**
	 * Return the encoded size of the refused event.
	 * @return the size in bytes
	 */
	public long getSize() {
		return this.size;
	}

	/**
	 * Return the largest size a channel takes.
	 * @return the size in bytes
	 */
	public long getMaxSize() {
		return this.maxSize;
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatus.CONTENT_TOO_LARGE;
	}

	@Override
	public ProblemDetail getBody() {
		return this.body;
	}

}
