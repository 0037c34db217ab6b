package io.github.ssekit.client;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Adapts a single callback, such as one given to
 * {@link SseClient.Builder#onEvent(Consumer)}, to a {@link SseListener}.
 *
 * @author ssekit
 */
final class CallbackListener {

	private CallbackListener() {
	}

	static SseListener onOpen(Consumer<SseResponse> callback) {
		Objects.requireNonNull(callback, "callback");
		return new SseListener() {

			@Override
			public void onOpen(SseResponse response) {
				callback.accept(response);
			}

		};
	}

	static SseListener onEvent(Consumer<SseMessage> callback) {
		Objects.requireNonNull(callback, "callback");
		return new SseListener() {

			@Override
			public void onEvent(SseMessage event) {
				callback.accept(event);
			}

		};
	}

	static SseListener onComment(Consumer<String> callback) {
		Objects.requireNonNull(callback, "callback");
		return new SseListener() {

			@Override
			public void onComment(String comment) {
				callback.accept(comment);
			}

		};
	}

	static SseListener onError(Consumer<Throwable> callback) {
		Objects.requireNonNull(callback, "callback");
		return new SseListener() {

			@Override
			public void onError(Throwable error) {
				callback.accept(error);
			}

		};
	}

	static SseListener onClosed(Runnable callback) {
		Objects.requireNonNull(callback, "callback");
		return new SseListener() {

			@Override
			public void onClosed() {
				callback.run();
			}

		};
	}

}
