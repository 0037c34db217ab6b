package io.github.ssekit.test;

import java.time.Duration;
import java.util.List;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import jakarta.servlet.AsyncContext;

import org.springframework.test.web.servlet.MvcResult;

/**
 * Reads the events of a MockMvc result: the Server-Sent Events that a controller wrote to
 * a MockMvc response, parsed as a browser's {@code EventSource} would.
 * <p>
 * A stream that ends by itself (the handler closes it, its producer returns, its source
 * completes) is tested the way Spring documents for async requests:
 *
 * <pre class="code">
 * MvcResult result = mvc.perform(get("/tokens")).andExpect(request().asyncStarted()).andReturn();
 * mvc.perform(asyncDispatch(result)).andExpect(status().isOk());
 * assertThat(SseMockMvc.events(result)).extracting(SseMessage::data).containsExactly("Hello", "world");
 * </pre>
 *
 * A stream that stays open, such as a channel subscription, is read while it runs with
 * {@link #awaitEvents(MvcResult, int)}, then ended with {@link #disconnect(MvcResult)}:
 *
 * <pre class="code">
 * MvcResult result = mvc.perform(get("/chat").header("Last-Event-ID", "3")).andReturn();
 * assertThat(SseMockMvc.awaitEvents(result, 2)).extracting(SseMessage::lastEventId).containsExactly("4", "5");
 * SseMockMvc.disconnect(result);
 * </pre>
 *
 * Needs {@code spring-test} on the class path (as {@code spring-boot-starter-test}
 * provides).
 */
public final class SseMockMvc {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private static final long POLL_MILLIS = 10;

	private SseMockMvc() {
	}

	/**
	 * Return the events written to the response so far, in order. An event whose blank
	 * line has not been written yet is not included.
	 * @param result the result of {@code perform}
	 * @return the events
	 */
	public static List<SseMessage> events(MvcResult result) {
		return SseParser.parse(result.getResponse().getContentAsByteArray());
	}

	/**
	 * Wait up to 5 seconds until the response holds at least {@code count} events.
	 * @param result the result of {@code perform}
	 * @param count how many events to wait for
	 * @return the events written so far, at least {@code count} of them
	 * @throws AssertionError if fewer arrived in time
	 */
	public static List<SseMessage> awaitEvents(MvcResult result, int count) {
		return awaitEvents(result, count, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait until the response holds at least {@code count} events.
	 * @param result the result of {@code perform}
	 * @param count how many events to wait for
	 * @param timeout how long to wait
	 * @return the events written so far, at least {@code count} of them
	 * @throws AssertionError if fewer arrived in time
	 */
	public static List<SseMessage> awaitEvents(MvcResult result, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<SseMessage> events = events(result);
			if (events.size() >= count) {
				return events;
			}
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError("Expected at least " + count + " SSE event(s) within " + timeout + " but got "
						+ events.size() + ": " + events);
			}
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for SSE events", ex);
			}
		}
	}

	/**
	 * End the async request as a client that goes away would: the stream closes, its
	 * close callbacks run and its producer or source is stopped.
	 * @param result the result of {@code perform}
	 * @throws IllegalStateException if the request did not start async processing, or has
	 * already completed
	 */
	public static void disconnect(MvcResult result) {
		AsyncContext context = result.getRequest().isAsyncStarted() ? result.getRequest().getAsyncContext() : null;
		if (context == null) {
			throw new IllegalStateException("The request has no open SSE stream: async processing was not started "
					+ "or has already completed");
		}
		context.complete();
	}

}
