package io.github.ssekit.channel;

import io.github.ssekit.SseRequestException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Thrown when a channel's broker cannot store or deliver an event, for example because
 * Redis is unreachable. The event was not published. Inside a request it is answered with
 * {@code 503 Service Unavailable}, {@code Retry-After: 1} and a Problem Detail that does
 * not expose the broker's own error, which stays in this exception's message.
 *
 * @author ssekit
 */
public class SseBrokerException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	private final String message;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public SseBrokerException(String message, @Nullable Throwable cause) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "Channel broker unavailable",
				"The channels' broker is unavailable; try again shortly", cause);
		this.message = message;
		getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
	}

	/**
	 * Create a new exception.
	 * @param message the detail message
	 */
	public SseBrokerException(String message) {
		this(message, null);
	}

	@Override
	public String getMessage() {
		return this.message;
	}

}
