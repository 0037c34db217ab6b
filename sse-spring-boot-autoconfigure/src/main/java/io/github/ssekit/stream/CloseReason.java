package io.github.ssekit.stream;

/**
 * Why a stream closed.
 *
 * @author ssekit
 */
public enum CloseReason {

	/** The application called {@code close()}, or its producer returned. */
	APPLICATION,

	/** The client closed the connection, or a write to it failed. */
	CLIENT_GONE,

	/** The stream reached {@code sse.stream.max-lifetime}. */
	MAX_LIFETIME,

	/** The application is shutting down. */
	SHUTDOWN,

	/** The outbound queue overflowed with {@code sse.stream.overflow=disconnect}. */
	QUEUE_OVERFLOW,

	/** The client took no bytes for {@code sse.stream.write-timeout}. */
	WRITE_TIMEOUT,

	/** The HTTP session that opened the stream ended (logout, expiry). */
	SESSION_ENDED,

	/** The application closed every stream of the stream's principal. */
	PRINCIPAL_REVOKED

}
