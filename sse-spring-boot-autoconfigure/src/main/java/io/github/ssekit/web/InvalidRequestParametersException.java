package io.github.ssekit.web;

import io.github.ssekit.SseRequestException;

import org.springframework.http.HttpStatus;

/**
 * A stream request whose parameters the servlet container could not decode: malformed
 * percent-encoding, or bytes that are not valid in the request's character encoding. The
 * offending value is never part of the message, and the container's exception, which
 * quotes it, is not kept as the cause.
 *
 * @author ssekit
 */
public class InvalidRequestParametersException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	InvalidRequestParametersException() {
		super(HttpStatus.BAD_REQUEST, "Invalid request parameters",
				"The request's parameters could not be decoded: malformed percent-encoding or bytes that are not"
						+ " valid in the request's character encoding");
	}

}
