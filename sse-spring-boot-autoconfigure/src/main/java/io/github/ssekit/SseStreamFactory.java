package io.github.ssekit;

import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Creates {@link SseStream streams} for controller methods to return. Auto-configured;
 * define a bean of this type to replace it.
 *
 * <pre class="code">
 * &#64;GetMapping("/sse")
 * SseStream sse(&#64;LastEventId String lastEventId) {
 *     return streams.create((stream) -&gt; {
 *         while (stream.isOpen()) {
 *             stream.publish("timestamp", Instant.now().toString());
 *             Thread.sleep(1000);
 *         }
 *     });
 * }
 * </pre>
 *
 * @author ssekit
 */
public interface SseStreamFactory {

	/**
	 * Create a stream to be returned from a controller method and published to from any
	 * thread.
	 * @return a new open stream
	 */
	SseStream create();

	/**
	 * Create a stream and run the given producer for it on a thread of its own (a virtual
	 * thread when {@code spring.threads.virtual.enabled=true}). The stream is closed when
	 * the producer returns or throws; a producer that throws is logged once. When the
	 * client goes away, the producer's next publish throws
	 * {@link SseStreamClosedException} and its thread is interrupted, so a blocking loop
	 * ends too.
	 * @param producer the producer, which may block
	 * @return a new open stream
	 */
	SseStream create(Producer producer);

	/**
	 * Create a stream fed by a reactive source: a
	 * {@link java.util.concurrent.Flow.Publisher}, or any type that Spring's
	 * {@code ReactiveAdapterRegistry} adapts (Reactor's {@code Flux} and {@code Mono};
	 * Kotlin's {@code Flow} with kotlinx-coroutines-reactor). Demand follows the client:
	 * the stream requests only as many elements as its queue has room for, so a slow
	 * client slows the source instead of buffering it. An {@link SseEvent} element is
	 * sent as it is, a {@link CharSequence} as data, any other object as JSON data.
	 * <p>
	 * When the stream closes for any reason (the client goes away, {@code close()}, a
	 * maximum lifetime, shutdown, eviction) the subscription is cancelled, so an upstream
	 * call (a model's streamed answer, a query) stops too. The source's completion ends
	 * the response once what was published is written; its error closes the stream and is
	 * logged once at WARN. <pre class="code">
	 * &#64;GetMapping("/answer")
	 * SseStream answer(&#64;RequestParam String question) {
	 *     return streams.from(chatClient.prompt(question).stream().content());
	 * }
	 * </pre>
	 * @param source the source
	 * @return a new open stream
	 * @throws IllegalArgumentException if the source is neither a {@code Flow.Publisher}
	 * nor of an adaptable type
	 */
	default SseStream from(Object source) {
		return from(source, null, null);
	}

	/**
	 * Create a stream fed by a reactive source, as {@link #from(Object)} does, with each
	 * element turned into an event by the given function.
	 * @param <T> the type of the source's elements
	 * @param source the source
	 * @param mapper turns an element into an event
	 * @return a new open stream
	 */
	default <T> SseStream from(Object source, Function<? super T, SseEvent> mapper) {
		return from(source, mapper, null);
	}

	/**
	 * Create a stream fed by a reactive source, as {@link #from(Object)} does.
	 * @param <T> the type of the source's elements
	 * @param source the source
	 * @param mapper turns an element into an event, or {@code null} for the default rules
	 * @param errorEvent makes the last event sent when the source fails, for example
	 * {@code (ex) -> SseEvent.of("error", "The answer was cut short")}, or {@code null}
	 * to send none; it may return {@code null}
	 * @return a new open stream
	 */
	<T> SseStream from(Object source, @Nullable Function<? super T, SseEvent> mapper,
			@Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent);

	/**
	 * Close every open stream of the principal with the given name, at once and without
	 * writing what is still queued: for example when the user's password changes or the
	 * account is locked. Streams opened after this call are not affected; the client's
	 * {@code EventSource} reconnects and meets the application's security again. Streams
	 * of a session that ends (logout, expiry) close by themselves.
	 * @param principalName the principal's name
	 * ({@link java.security.Principal#getName()})
	 * @return how many streams were closed
	 */
	int closeStreamsOf(String principalName);

	/**
	 * Body of a stream run by {@link SseStreamFactory#create(Producer)}. Like a
	 * {@link Consumer} of the stream, but it may throw, for example
	 * {@link InterruptedException} from a sleep.
	 */
	@FunctionalInterface
	interface Producer {

		/**
		 * Publish to the stream until done.
		 * @param stream the stream
		 * @throws Exception on failure; the stream is closed either way
		 */
		void produce(SseStream stream) throws Exception;

	}

}
