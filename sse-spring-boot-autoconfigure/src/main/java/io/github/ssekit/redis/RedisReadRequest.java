package io.github.ssekit.redis;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

/**
 * A command the reader sent and has not handled the reply of yet: a read of some streams
 * from their positions, a history check of one stream, or a {@code PING} of an idle
 * connection. Created and handled on the reader thread; completed on Lettuce's.
 *
 * @author ssekit
 */
final class RedisReadRequest {

	private final Kind kind;

	private final List<RedisReadStream> streams;

	private final String[] positions;

	private final CompletableFuture<?> future;

	private final long generation;

	private final long issuedAt;

	private boolean expired;

	/**
	 * Create a request.
	 * @param kind what it does
	 * @param streams the streams it is about
	 * @param future the command's reply
	 * @param generation the reader's connection generation when it was sent
	 * @param issuedAt the {@link System#nanoTime()} when it was sent
	 */
	RedisReadRequest(Kind kind, List<RedisReadStream> streams, CompletableFuture<?> future, long generation,
			long issuedAt) {
		this.kind = kind;
		this.streams = streams;
		this.positions = new String[streams.size()];
		for (int i = 0; i < this.positions.length; i++) {
			this.positions[i] = streams.get(i).position();
		}
		this.future = future;
		this.generation = generation;
		this.issuedAt = issuedAt;
	}

	/**
	 * Return what the request does.
	 * @return the kind
	 */
	Kind kind() {
		return this.kind;
	}

	/**
	 * Return the streams the request is about.
	 * @return the streams, empty for a {@code PING}
	 */
	List<RedisReadStream> streams() {
		return this.streams;
	}

	/**
	 * Return whether a stream is still at the position the request was sent for.
	 * @param index the stream's index in {@link #streams()}
	 * @return {@code true} if it is, so that the reply applies to it
	 */
	boolean isAtPosition(int index) {
		return this.streams.get(index).position().equals(this.positions[index]);
	}

	/**
	 * Return the reader's connection generation when the request was sent.
	 * @return the generation
	 */
	long generation() {
		return this.generation;
	}

	/**
	 * Return whether the reply arrived.
	 * @return {@code true} once it did, or the request failed or expired
	 */
	boolean isDone() {
		return this.future.isDone();
	}

	/**
	 * Return whether the request was sent before the given time.
	 * @param nanoTime a {@link System#nanoTime()}
	 * @return {@code true} if it was
	 */
	boolean issuedBefore(long nanoTime) {
		return this.issuedAt - nanoTime < 0;
	}

	/**
	 * Give up waiting for the reply.
	 */
	void expire() {
		this.expired = true;
		this.future.cancel(false);
	}

	/**
	 * Return the reply of a completed request.
	 * @return the reply
	 */
	@Nullable Object result() {
		return this.future.join();
	}

	/**
	 * Return why a completed request failed.
	 * @param timeoutMillis the timeout that an expired request exceeded, for the message
	 * @return the failure, or {@code null} if it succeeded
	 */
	@Nullable Exception failure(long timeoutMillis) {
		if (!this.future.isCompletedExceptionally()) {
			return null;
		}
		if (this.expired) {
			return new RedisBrokerConnection.RedisUnavailableException(
					"Redis did not answer a read within " + timeoutMillis + " ms");
		}
		try {
			this.future.join();
			return null;
		}
		catch (CompletionException ex) {
			return (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (CancellationException ex) {
			return ex;
		}
	}

	/**
	 * What a request does.
	 */
	enum Kind {

		/** Read streams from their positions. */
		READ,

		/** Check that a stream still holds its position. */
		CHECK,

		/** Check that an idle connection answers. */
		PING

	}

}
