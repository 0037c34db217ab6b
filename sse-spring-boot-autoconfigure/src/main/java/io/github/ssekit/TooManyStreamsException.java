package io.github.ssekit;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Thrown when {@code sse.max-streams} streams are open already, answered with 503 Service
 * Unavailable, or when the user has {@code sse.max-streams-per-user} open, answered with
 * 429 Too Many Requests; both with a {@code Retry-After} header.
 *
 * @author ssekit
 */
public class TooManyStreamsException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	public TooManyStreamsException(int maxStreams, Duration retryAfter) {
		this(HttpStatus.SERVICE_UNAVAILABLE, "Too many streams",
				"The server holds its maximum of " + maxStreams + " streams; retry later", retryAfter);
	}

	private TooManyStreamsException(HttpStatus status, String title, String detail, Duration retryAfter) {
		super(status, title, detail);
		getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
	}

	/**
	 * Thrown when a user has {@code sse.max-streams-per-user} streams open already;
	 * answered with 429 Too Many Requests and a {@code Retry-After} header.
	 */
	public static TooManyStreamsException perUser(int maxStreamsPerUser, Duration retryAfter) {
		return new TooManyStreamsException(HttpStatus.TOO_MANY_REQUESTS, "Too many streams for this user",
				"You have the maximum of " + maxStreamsPerUser + " open streams; close one or retry later", retryAfter);
	}

}
