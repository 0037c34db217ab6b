package io.github.ssekit.stream;

import java.util.List;

/**
 * Receives what happens on streams, for metrics. Methods are called on publishing and
 * writing threads and must be fast and non-blocking.
 *
 * @author ssekit
 */
public interface StreamObserver {

	/** An observer that ignores everything. */
	StreamObserver NONE = new StreamObserver() {
	};

	/**
	 * Return an observer that tells each of the given observers, in order.
	 * @param observers the observers
	 * @return {@link #NONE} for none, the observer itself for one, or one that tells all
	 */
	static StreamObserver of(List<? extends StreamObserver> observers) {
		return switch (observers.size()) {
			case 0 -> NONE;
			case 1 -> observers.get(0);
			default -> new CompositeStreamObserver(observers);
		};
	}

	/**
	 * A stream opened.
	 */
	default void streamOpened() {
	}

	/**
	 * An event was accepted by a stream's queue.
	 */
	default void eventPublished() {
	}

	/**
	 * Bytes were handed to the container for one stream.
	 * @param events how many events (and comments) the bytes hold
	 * @param bytes how many bytes
	 */
	default void written(int events, long bytes) {
	}

	/**
	 * Queued events were dropped: by the drop-oldest policy, or because the stream closed
	 * before they could be written.
	 * @param events how many
	 */
	default void dropped(int events) {
	}

	/**
	 * A stream closed.
	 * @param reason why
	 */
	default void streamClosed(CloseReason reason) {
	}

}
