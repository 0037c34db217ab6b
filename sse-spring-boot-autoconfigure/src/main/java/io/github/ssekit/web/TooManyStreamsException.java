package io.github.ssekit.web;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Thrown when {@code sse.max-streams} streams are open already; answered with 503
 * Service Unavailable and a {@code Retry-After} header.
 *
 * @author ssekit
 */
public class TooManyStreamsException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	TooManyStreamsException(int maxStreams, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "Too many streams",
				"The server holds its maximum of " + maxStreams + " streams; retry later");
		getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())));
	}

}
