package io.github.ssekit.client;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of a client: calls each in turn and logs what they throw.
 */
final class Listeners implements SseListener {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final List<SseListener> listeners;

	Listeners(List<SseListener> listeners) {
		this.listeners = new CopyOnWriteArrayList<>(listeners);
	}

	void add(SseListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void onOpen(SseResponse response) {
		each((listener) -> listener.onOpen(response));
	}

	@Override
	public void onEvent(SseMessage event) {
		each((listener) -> listener.onEvent(event));
	}

	@Override
	public void onComment(String comment) {
		each((listener) -> listener.onComment(comment));
	}

	@Override
	public void onError(Throwable error) {
		each((listener) -> listener.onError(error));
	}

	@Override
	public void onClosed() {
		each(SseListener::onClosed);
	}

	private void each(Consumer<SseListener> call) {
		for (SseListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "SSE listener " + listener + " failed", ex);
			}
		}
	}

}
