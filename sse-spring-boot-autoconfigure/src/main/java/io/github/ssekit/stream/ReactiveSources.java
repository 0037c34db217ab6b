package io.github.ssekit.stream;

import java.util.concurrent.Flow;

import org.springframework.util.ClassUtils;

/**
 * Subscribes to a stream's reactive source: a {@link Flow.Publisher} directly, anything
 * else through Spring's {@code ReactiveAdapterRegistry} when Reactive Streams is on the
 * classpath (Reactor's {@code Flux} and {@code Mono}, Kotlin's {@code Flow} with
 * kotlinx-coroutines-reactor, ...).
 *
 * @author ssekit
 */
final class ReactiveSources {

	private static final boolean REACTIVE_STREAMS_PRESENT = ClassUtils.isPresent("org.reactivestreams.Publisher",
			ReactiveSources.class.getClassLoader());

	private ReactiveSources() {
	}

	@SuppressWarnings("unchecked")
	static void subscribe(Object source, Flow.Subscriber<Object> subscriber) {
		if (source instanceof Flow.Publisher<?> publisher) {
			((Flow.Publisher<Object>) publisher).subscribe(subscriber);
			return;
		}
		if (REACTIVE_STREAMS_PRESENT && ReactiveStreamsSources.subscribe(source, subscriber)) {
			return;
		}
		throw new IllegalArgumentException("Cannot stream a " + source.getClass().getName()
				+ ": it is not a java.util.concurrent.Flow.Publisher, and no ReactiveAdapter adapts it"
				+ (REACTIVE_STREAMS_PRESENT ? "" : " (Reactive Streams is not on the classpath: add Reactor)"));
	}

}
