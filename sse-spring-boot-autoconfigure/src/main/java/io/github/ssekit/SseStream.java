package io.github.ssekit;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One Server-Sent Events stream: the response to one client connection.
 * <p>
 * Obtain a stream from {@link SseStreamFactory} and return it from a Spring MVC
 * controller method. Events may be published from any thread, before or after the method
 * returns; events published before the response is ready are kept and written in order
 * once it is. Events go to a bounded per-stream queue that is written as fast as the
 * client reads.
 * <p>
 * Which call to use:
 * <ul>
 * <li>On the stream's own producer thread
 * ({@link SseStreamFactory#create(SseStreamFactory.Producer)}):
 * {@link #publish(SseEvent)}. It waits while the queue is full, so the loop runs at the
 * client's pace and nothing is dropped.</li>
 * <li>On any other thread: {@link #publish(SseEvent)} never waits; a client that falls
 * too far behind overflows its queue and is disconnected (or loses its oldest events), so
 * a shared thread is never held up by one slow client.</li>
 * <li>Asynchronous code that must not lose events and must not block (a callback, a
 * listener, a scheduled task): {@link #tryPublish(SseEvent)}, and when it returns
 * {@code false}, {@link #onWritable(Runnable)} to go on once there is room.</li>
 * <li>A reactive source ({@code Flux}, {@code Flow.Publisher}):
 * {@link SseStreamFactory#from(Object)}, whose demand follows the client.</li>
 * </ul>
 * <p>
 * Once the client has gone or the stream was closed, {@link #isOpen()} returns
 * {@code false} and every {@code publish} throws {@link SseStreamClosedException}: stop
 * publishing then.
 *
 * @author ssekit
 * @see SseStreamFactory
 */
public interface SseStream extends AutoCloseable {

	/**
	 * Publish an event. On the stream's own producer thread this waits while the queue is
	 * at its limits ({@code sse.stream.max-queued-events} and {@code max-queued-bytes})
	 * until the client has taken enough; a client that takes nothing for
	 * {@code sse.stream.write-timeout} is disconnected and this throws. On any other
	 * thread it never waits: a full queue disconnects the client (or drops its oldest
	 * events, see {@code sse.stream.overflow}).
	 * @param event the event
	 * @throws SseStreamClosedException if the stream is closed, or was closed because the
	 * client could not keep up
	 */
	void publish(SseEvent event);

	/**
	 * Publish an event if the queue has room for it, never waiting and never
	 * disconnecting the client for being slow: the pacing call for asynchronous code.
	 * When it returns {@code false}, nothing was queued; call
	 * {@link #onWritable(Runnable)} to be told when to try again. <pre class="code">
	 * void send(SseEvent event) {
	 *     if (!stream.tryPublish(event)) {
	 *         pending.add(event);
	 *         stream.onWritable(this::sendPending);
	 *     }
	 * }
	 * </pre> An event larger than the queue's byte limit is queued once the queue is
	 * empty.
	 * @param event the event
	 * @return {@code true} if the event was queued, {@code false} if the queue is full
	 * @throws SseStreamClosedException if the stream is closed
	 */
	boolean tryPublish(SseEvent event);

	/**
	 * Register a callback that runs once, when the queue has drained to at most half its
	 * limits, or when the stream closes; at once if either is already so. It runs on the
	 * thread that wrote to the client (often a container thread), so it must be quick and
	 * must not block: publish with {@link #tryPublish(SseEvent)}, or hand off. Register
	 * again for the next time.
	 * @param callback the callback
	 */
	void onWritable(Runnable callback);

	/**
	 * Publish several events, in order, as one batch. The implementation queues them all
	 * before writing, so a burst goes out in few socket writes with one flush instead of
	 * one flush per event; prefer this to a loop of {@link #publish(SseEvent)} when
	 * events come in groups (a page of history, tokens generated together). On the
	 * stream's own producer thread it waits for room as {@link #publish(SseEvent)} does.
	 * @param events the events; none may be {@code null}
	 * @throws SseStreamClosedException if the stream closed before every event was
	 * published (the events published before that are still written)
	 * @throws IllegalArgumentException if an element is {@code null}, checked before any
	 * event is published
	 */
	default void publishAll(Iterable<SseEvent> events) {
		List<SseEvent> batch = new ArrayList<>();
		for (SseEvent event : events) {
			if (event == null) {
				throw new IllegalArgumentException("'events' must not contain null elements");
			}
			batch.add(event);
		}
		for (SseEvent event : batch) {
			publish(event);
		}
	}

	/**
	 * Publish a named event whose data is the given object: a {@link CharSequence} is
	 * sent as it is, any other object is serialised as JSON with the application's
	 * Jackson {@code JsonMapper}, so {@code spring.jackson.*} properties apply.
	 * @param event the event name, without CR or LF, or {@code null} for an unnamed event
	 * @param data the data
	 * @throws SseStreamClosedException if the stream is closed
	 * @throws IllegalArgumentException if the event name contains CR or LF
	 */
	void publish(@Nullable String event, Object data);

	/**
	 * Send a comment, which clients ignore; useful to keep intermediaries from timing out
	 * or to annotate a stream read with {@code curl}.
	 * @param comment the comment, possibly spanning several lines
	 * @throws SseStreamClosedException if the stream is closed
	 */
	void comment(String comment);

	/**
	 * Return whether the stream is open: not closed by the application, the client, a
	 * maximum lifetime, shutdown, or a slow-client eviction.
	 * @return {@code true} while events can be published
	 */
	boolean isOpen();

	/**
	 * Register a callback that runs exactly once when the stream closes, for whatever
	 * reason. A callback registered after the stream closed runs at once.
	 * @param callback the callback
	 */
	void onClose(Runnable callback);

	/**
	 * Close the stream: events already published are still written, then the response
	 * ends. Further {@code publish} calls throw {@link SseStreamClosedException}. Closing
	 * an already closed stream has no effect.
	 */
	@Override
	void close();

	/**
	 * Return the authenticated principal of the request that opened the stream, as
	 * {@code HttpServletRequest.getUserPrincipal()} gave it (with Spring Security, the
	 * {@code Authentication}).
	 * @return the principal, or {@code null} for an anonymous request or a stream not
	 * created on a request's thread
	 */
	default @Nullable Principal principal() {
		return null;
	}

}
