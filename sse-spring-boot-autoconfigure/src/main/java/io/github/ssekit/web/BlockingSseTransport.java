package io.github.ssekit.web;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseTransport;
import jakarta.servlet.ServletOutputStream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@link SseTransport} over a response whose output stream cannot do non-blocking I/O,
 * such as MockMvc's: every write goes straight through on the publishing thread. The
 * response ends through the {@link DeferredResult} when the stream closes, so
 * {@code asyncDispatch} sees a completed request. Such a response has no client that
 * could go away, so a stream still open after {@link #TIMEOUT} is closed and the async
 * result is an error that says why.
 *
 * @author ssekit
 */
final class BlockingSseTransport implements SseTransport {

	private static final Log logger = LogFactory.getLog(BlockingSseTransport.class);

	/** How long a stream may stay open: MockMvc's own default async timeout. */
	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ServletOutputStream output;

	private final DeferredResult<Object> result;

	private final Duration timeout;

	private final CompletableFuture<Void> deadline;

	private volatile boolean timedOut;

	private BlockingSseTransport(ServletOutputStream output, DeferredResult<Object> result, Duration timeout) {
		this.output = output;
		this.result = result;
		this.timeout = timeout;
		this.deadline = new CompletableFuture<Void>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Create a transport for a stream and close the stream if it is still open after the
	 * timeout.
	 * @param output the response body
	 * @param result the async result that ends the response
	 * @param stream the stream
	 * @param timeout how long the stream may stay open
	 * @return the transport
	 */
	static BlockingSseTransport open(ServletOutputStream output, DeferredResult<Object> result, DefaultSseStream stream,
			Duration timeout) {
		BlockingSseTransport transport = new BlockingSseTransport(output, result, timeout);
		transport.deadline.whenComplete((ignored, ex) -> {
			if (ex instanceof TimeoutException && stream.isOpen()) {
				transport.timedOut = true;
				logger.warn(StillOpenException.message(timeout));
				stream.close(CloseReason.MAX_LIFETIME);
			}
		});
		return transport;
	}

	@Override
	public boolean isReady() {
		return true;
	}

	@Override
	public boolean isBlocking() {
		return true;
	}

	@Override
	public void write(byte[] bytes) throws IOException {
		this.output.write(bytes);
	}

	@Override
	public void flush() throws IOException {
		this.output.flush();
	}

	@Override
	public void complete() {
		this.deadline.complete(null);
		try {
			if (this.timedOut) {
				this.result.setErrorResult(new StillOpenException(this.timeout));
			}
			else {
				this.result.setResult(null);
			}
		}
		catch (IllegalStateException ex) {
			logger.debug("SSE response already completed: " + ex.getMessage());
		}
	}

	/**
	 * The async result of a stream that a blocking response's timeout closed.
	 */
	static final class StillOpenException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		StillOpenException(Duration timeout) {
			super(message(timeout));
		}

		static String message(Duration timeout) {
			return "SSE stream was still open " + timeout.toSeconds() + "s after its handler returned, on a response "
					+ "without non-blocking I/O (MockMvc), and was closed. End the stream in the handler "
					+ "(close(), a producer that returns, a source that completes), set sse.stream.max-lifetime for the test, "
					+ "or read its events without waiting for the async result (SseMockMvc.awaitEvents)";
		}

	}

}
