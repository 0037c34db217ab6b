package io.github.ssekit.stream;

import java.util.List;

/**
 * A {@link StreamObserver} that tells several observers, in order.
 *
 * @author ssekit
 */
final class CompositeStreamObserver implements StreamObserver {

	private final StreamObserver[] observers;

	CompositeStreamObserver(List<? extends StreamObserver> observers) {
		this.observers = observers.toArray(new StreamObserver[0]);
	}

	@Override
	public void streamOpened() {
		for (StreamObserver observer : this.observers) {
			observer.streamOpened();
		}
	}

	@Override
	public void eventPublished() {
		for (StreamObserver observer : this.observers) {
			observer.eventPublished();
		}
	}

	@Override
	public void written(int events, long bytes) {
		for (StreamObserver observer : this.observers) {
			observer.written(events, bytes);
		}
	}

	@Override
	public void dropped(int events) {
		for (StreamObserver observer : this.observers) {
			observer.dropped(events);
		}
	}

	@Override
	public void streamClosed(CloseReason reason) {
		for (StreamObserver observer : this.observers) {
			observer.streamClosed(reason);
		}
	}

}
