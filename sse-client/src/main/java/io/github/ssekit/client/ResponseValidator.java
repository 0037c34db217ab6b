package io.github.ssekit.client;

import org.jspecify.annotations.Nullable;

/**
 * Checks the response to an event-stream request: a 200 with a {@code text/event-stream}
 * content type (in any case, with any parameters) is read; a 204 tells the client to
 * stop; any other status or content type is rejected, and the client fails without
 * reconnecting.
 *
 * @author ssekit
 */
final class ResponseValidator {

	private ResponseValidator() {
	}

	/**
	 * Returns whether a response tells the client to stop: {@code 204 No Content}.
	 * @param response the response
	 * @return whether the client stops without reconnecting or failing
	 */
	static boolean isNoContent(SseResponse response) {
		return response.statusCode() == 204;
	}

	/**
	 * Returns why a response, other than a 204, is not an event stream.
	 * @param response the response
	 * @return the failure to report, or {@code null} if the response is an event stream
	 */
	static @Nullable SseResponseException reject(SseResponse response) {
		if (response.statusCode() != 200) {
			return new SseResponseException("Unexpected HTTP status " + response.statusCode() + " from "
					+ response.uri() + " (expected 200, or 204 to stop)", response);
		}
		if (!isEventStream(response.contentType().orElse(null))) {
			return new SseResponseException("Unexpected Content-Type '" + response.contentType().orElse("") + "' from "
					+ response.uri() + " (expected " + RequestFactory.EVENT_STREAM + ")", response);
		}
		return null;
	}

	private static boolean isEventStream(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String essence = (semicolon >= 0) ? contentType.substring(0, semicolon) : contentType;
		return essence.trim().equalsIgnoreCase(RequestFactory.EVENT_STREAM);
	}

}
