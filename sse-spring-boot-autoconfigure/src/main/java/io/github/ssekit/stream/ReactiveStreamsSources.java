package io.github.ssekit.stream;

import java.util.concurrent.Flow;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

/**
 * The part of {@link ReactiveSources} that needs Reactive Streams on the classpath:
 * adapts a source with Spring's {@link ReactiveAdapterRegistry} and bridges its
 * {@link Publisher} to a {@link Flow.Subscriber}.
 *
 * @author ssekit
 */
final class ReactiveStreamsSources {

	private ReactiveStreamsSources() {
	}

	@SuppressWarnings("unchecked")
	static boolean subscribe(Object source, Flow.Subscriber<Object> subscriber) {
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(source.getClass());
		Publisher<Object> publisher;
		if (adapter != null) {
			publisher = adapter.toPublisher(source);
		}
		else if (source instanceof Publisher<?> plain) {
			publisher = (Publisher<Object>) plain;
		}
		else {
			return false;
		}
		publisher.subscribe(new Bridge(subscriber));
		return true;
	}

	private record Bridge(Flow.Subscriber<Object> subscriber) implements Subscriber<Object> {

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscriber.onSubscribe(new Flow.Subscription() {

				@Override
				public void request(long n) {
					subscription.request(n);
				}

				@Override
				public void cancel() {
					subscription.cancel();
				}

			});
		}

		@Override
		public void onNext(Object item) {
			this.subscriber.onNext(item);
		}

		@Override
		public void onError(Throwable ex) {
			this.subscriber.onError(ex);
		}

		@Override
		public void onComplete() {
			this.subscriber.onComplete();
		}

	}

}
