package io.github.ssekit;

import java.util.function.Consumer;

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
