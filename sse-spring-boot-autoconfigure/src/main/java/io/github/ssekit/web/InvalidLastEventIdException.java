package io.github.ssekit.web;

import io.github.ssekit.SseRequestException;

import org.springframework.http.HttpStatus;

/**
 * A {@code Last-Event-ID} that is too long or not a number where one is required. The
 * offending value is never part of the message.
 *
 * @author ssekit
 */
public class InvalidLastEventIdException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	InvalidLastEventIdException(String detail) {
		super(HttpStatus.BAD_REQUEST, "Invalid Last-Event-ID", detail);
	}

}
