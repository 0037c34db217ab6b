package io.github.ssekit;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request for a stream that cannot be served; answered with a Problem Detail by the
 * starter, whatever the application's error handling.
 *
 * @author ssekit
 */
public abstract class SseRequestException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param status the response status
	 * @param title the Problem Detail's title
	 * @param detail the Problem Detail's detail, never quoting the client's input
	 */
	protected SseRequestException(HttpStatus status, String title, String detail) {
		this(status, title, detail, null);
	}

	/**
	 * Create a new exception with a cause.
	 * @param status the response status
	 * @param title the Problem Detail's title
	 * @param detail the Problem Detail's detail, never quoting the client's input
	 * @param cause the cause, or {@code null}
	 */
	protected SseRequestException(HttpStatus status, String title, String detail, @Nullable Throwable cause) {
		super(status, ProblemDetail.forStatusAndDetail(status, detail), cause);
		getBody().setTitle(title);
	}

}
