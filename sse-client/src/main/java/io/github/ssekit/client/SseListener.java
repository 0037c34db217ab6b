package io.github.ssekit.client;

/**
 * Receives what a {@link SseClient} sees. Every method has an empty default.
 * <p>
 * Methods are called one at a time, in order, on the client's own thread (a virtual
 * thread on Java 21 and later); a slow method delays reading, which pushes back on the
 * server. An exception thrown by a method is logged and otherwise ignored.
 */
public interface SseListener {

	/**
	 * Called when a connection is established: the response has status 200 and a
	 * {@code text/event-stream} content type.
	 * @param response the response status and headers
	 */
	default void onOpen(SseResponse response) {
	}

	/**
	 * Called for each dispatched event.
	 * @param event the event
	 */
	default void onEvent(SseMessage event) {
	}

	/**
	 * Called for each comment line, such as a heartbeat.
	 * @param comment the text after the colon, unchanged
	 */
	default void onComment(String comment) {
	}

	/**
	 * Called when a connection fails or is dropped with an error. The client then
	 * reconnects, unless the error is fatal (a {@link SseResponseException}) or
	 * reconnection is disabled, in which case {@link #onClosed()} follows.
	 * @param error the error: a {@link SseResponseException}, a
	 * {@link SseReadTimeoutException}, a {@link SseEventTooLargeException} or an I/O
	 * error
	 */
	default void onError(Throwable error) {
	}

	/**
	 * Called once, last, when the client has stopped for good: closed, told to stop by a
	 * 204 response, failed, or done with reconnection disabled.
	 */
	default void onClosed() {
	}

}
