package io.github.ssekit.web;

import java.io.IOException;

import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseTransport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@link SseTransport} over a servlet response in non-blocking mode. The response ends
 * through the {@link DeferredResult} of Spring MVC's async request handling, so filters
 * and interceptors see a normal async request.
 *
 * @author ssekit
 */
final class ServletSseTransport implements SseTransport, WriteListener {

	private static final Log logger = LogFactory.getLog(ServletSseTransport.class);

	private final ServletOutputStream output;

	private final DeferredResult<Object> result;

	private final DefaultSseStream stream;

	ServletSseTransport(ServletOutputStream output, DeferredResult<Object> result, DefaultSseStream stream) {
		this.output = output;
		this.result = result;
		this.stream = stream;
	}

	@Override
	public boolean isReady() {
		return this.output.isReady();
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
		try {
			this.result.setResult(null);
		}
		catch (IllegalStateException ex) {
			// the container ended the async request first (client gone): nothing left to
			// complete
			logger.debug("SSE response already completed: " + ex.getMessage());
		}
	}

	@Override
	public void onWritePossible() {
		this.stream.writePossible();
	}

	@Override
	public void onError(Throwable ex) {
		this.stream.abort(CloseReason.CLIENT_GONE, ex);
	}

}
