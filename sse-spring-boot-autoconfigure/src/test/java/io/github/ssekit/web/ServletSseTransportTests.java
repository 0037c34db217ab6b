package io.github.ssekit.web;

import java.io.IOException;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServletSseTransport}.
 *
 * @author ssekit
 */
class ServletSseTransportTests {

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults());

	@Test
	void publishToStreamWhoseAsyncRequestHasEndedDoesNotThrowIllegalState() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		DeferredResult<Object> result = new DeferredResult<>();
		result.setResultHandler((value) -> {
			throw new IllegalStateException("AsyncContext not yet initialized");
		});
		stream.bind(new ServletSseTransport(new GoneOutputStream(), result, stream));
		try {
			stream.publish(SseEvent.of("after the client left"));
		}
		catch (SseStreamClosedException ex) {
			// allowed: the stream closed while the event was queued
		}
		assertThat(stream.isOpen()).isFalse();
		assertThat(stream.closeReason()).isEqualTo(CloseReason.CLIENT_GONE);
	}

	static class GoneOutputStream extends ServletOutputStream {

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setWriteListener(WriteListener writeListener) {
		}

		@Override
		public void write(int b) throws IOException {
			throw new IOException("Broken pipe");
		}

	}

}
