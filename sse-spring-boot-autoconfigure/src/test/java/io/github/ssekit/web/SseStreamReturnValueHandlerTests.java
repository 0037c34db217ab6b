package io.github.ssekit.web;

import java.io.IOException;
import java.util.Map;

import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.junit.jupiter.api.Test;

import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.async.StandardServletAsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.ModelAndViewContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseStreamReturnValueHandler}.
 *
 * @author ssekit
 */
class SseStreamReturnValueHandlerTests {

	private final SseStreamReturnValueHandler handler = new SseStreamReturnValueHandler(
			new SseStreamReturnValueHandler.ResponseHeaders("no-cache", true, Map.of()));

	@Test
	void aClientGoneBeforeTheHeadersEndsTheStreamQuietlyAndItsDispatchesAreEnded() throws Exception {
		SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults());
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/sse");
		request.setAsyncSupported(true);
		HttpServletResponse response = new HttpServletResponseWrapper(new MockHttpServletResponse()) {

			@Override
			public void flushBuffer() throws IOException {
				throw new IOException("Broken pipe");
			}

		};
		ServletWebRequest webRequest = new ServletWebRequest(request, response);
		WebAsyncUtils.getAsyncManager(webRequest)
			.setAsyncWebRequest(new StandardServletAsyncWebRequest(request, response));
		this.handler.handleReturnValue(stream, returnType(), new ModelAndViewContainer(), webRequest);
		assertThat(stream.closeReason()).isEqualTo(CloseReason.CLIENT_GONE);
		assertThat(registry.size()).isZero();
		assertThat(request.getAttribute(SseStreamEndFilter.STREAM_ATTRIBUTE))
			.as("the async and error dispatches that follow are ended by SseStreamEndFilter")
			.isNotNull();
		assertThat(WebAsyncUtils.getAsyncManager(webRequest).getConcurrentResult()).isInstanceOf(IOException.class);
	}

	private static MethodParameter returnType() throws NoSuchMethodException {
		return new MethodParameter(SseStreamReturnValueHandlerTests.class.getDeclaredMethod("stream"), -1);
	}

	@SuppressWarnings("unused")
	private io.github.ssekit.SseStream stream() {
		throw new UnsupportedOperationException();
	}

}
