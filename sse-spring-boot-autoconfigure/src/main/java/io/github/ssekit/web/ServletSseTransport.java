package io.github.ssekit.web;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@link SseTransport} over a servlet response in non-blocking mode. The response ends
 * through the {@link DeferredResult} of Spring MVC's async request handling, so filters
 * and interceptors see a normal async request.
 *
 * @author ssekit
 */
final class ServletSseTransport implements SseTransport, WriteListener {

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
		this.result.setResult(null);
	}

	@Override
	public void onWritePossible() {
		this.stream.drain();
	}

	@Override
	public void onError(Throwable ex) {
		this.stream.abort(CloseReason.CLIENT_GONE, ex);
	}

}
