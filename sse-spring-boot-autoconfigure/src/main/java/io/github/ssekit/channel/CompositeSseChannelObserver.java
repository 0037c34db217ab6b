package io.github.ssekit.channel;

import java.util.List;

/**
 * A {@link SseChannelObserver} that tells several observers, in order.
 *
 * @author ssekit
 */
final class CompositeSseChannelObserver implements SseChannelObserver {

	private final SseChannelObserver[] observers;

	CompositeSseChannelObserver(List<? extends SseChannelObserver> observers) {
		this.observers = observers.toArray(new SseChannelObserver[0]);
	}

	@Override
	public void published(String channel) {
		for (SseChannelObserver observer : this.observers) {
			observer.published(channel);
		}
	}

	@Override
	public void replayed(String channel, int events) {
		for (SseChannelObserver observer : this.observers) {
			observer.replayed(channel, events);
		}
	}

	@Override
	public void historyLost(String channel) {
		for (SseChannelObserver observer : this.observers) {
			observer.historyLost(channel);
		}
	}

}
