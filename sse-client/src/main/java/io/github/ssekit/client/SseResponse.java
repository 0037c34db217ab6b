package io.github.ssekit.client;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Objects;
import java.util.Optional;

/**
 * The status and headers of a response to an event-stream request.
 *
 * @param uri the URI the response came from, after any redirects
 * @param statusCode the HTTP status code
 * @param headers the response headers
 */
public record SseResponse(URI uri, int statusCode, HttpHeaders headers) {

	/**
	 * Creates a response, checking that no component is {@code null}.
	 * @param uri the URI the response came from
	 * @param statusCode the status code
	 * @param headers the headers
	 */
	public SseResponse {
		Objects.requireNonNull(uri, "uri");
		Objects.requireNonNull(headers, "headers");
	}

	/**
	 * Returns the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, if the header is present
	 */
	public Optional<String> header(String name) {
		return this.headers.firstValue(name);
	}

	/**
	 * Returns the {@code Content-Type} header.
	 * @return the content type, if present
	 */
	public Optional<String> contentType() {
		return header("Content-Type");
	}

}
