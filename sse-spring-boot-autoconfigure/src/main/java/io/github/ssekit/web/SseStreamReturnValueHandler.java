package io.github.ssekit.web;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

import io.github.ssekit.SseStream;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseTransport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.util.Assert;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Handles {@link SseStream} controller return values: sets the event-stream headers,
 * starts async processing with no timeout, commits the headers at once and connects the
 * stream to the response in non-blocking mode. A response that cannot do non-blocking I/O
 * (MockMvc's) is written to directly instead, so controller tests work unchanged.
 *
 * @author ssekit
 */
public class SseStreamReturnValueHandler implements HandlerMethodReturnValueHandler {

	private static final long NO_TIMEOUT = -1L;

	private final ResponseHeaders headers;

	/**
	 * Create a handler.
	 * @param headers the headers every stream response carries
	 */
	public SseStreamReturnValueHandler(ResponseHeaders headers) {
		this.headers = headers;
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return SseStream.class.isAssignableFrom(returnType.getParameterType());
	}

	@Override
	public void handleReturnValue(@Nullable Object returnValue, MethodParameter returnType,
			ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
		mavContainer.setRequestHandled(true);
		if (returnValue == null) {
			return;
		}
		Assert.isInstanceOf(DefaultSseStream.class, returnValue,
				"SseStream return values must come from the SseStreamFactory");
		DefaultSseStream stream = (DefaultSseStream) returnValue;
		HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
		Assert.state(response != null, "No HttpServletResponse");
		this.headers.apply(response);
		DeferredResult<Object> result = new DeferredResult<>(NO_TIMEOUT);
		ClientGone clientGone = new ClientGone(stream);
		result.onError(clientGone);
		result.onTimeout(clientGone);
		result.onCompletion(clientGone);
		WebAsyncUtils.getAsyncManager(webRequest).startDeferredResultProcessing(result, mavContainer);
		HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
		try {
			response.flushBuffer();
		}
		catch (IOException ex) {
			clientGoneBeforeHeaders(request, stream, result, ex);
			return;
		}
		stream.bind(transport(request, response.getOutputStream(), result, stream));
	}

	/**
	 * End a stream whose client went away before its headers were written: quietly, like
	 * any other disconnect, instead of leaving the exception to the error dispatch, which
	 * would render an error body into the committed event stream.
	 */
	private static void clientGoneBeforeHeaders(@Nullable HttpServletRequest request, DefaultSseStream stream,
			DeferredResult<Object> result, IOException ex) {
		if (request != null) {
			SseStreamEndFilter.markStream(request);
		}
		stream.abort(CloseReason.CLIENT_GONE, ex);
		result.setErrorResult(ex);
	}

	private static SseTransport transport(@Nullable HttpServletRequest request, ServletOutputStream output,
			DeferredResult<Object> result, DefaultSseStream stream) {
		ServletSseTransport transport = new ServletSseTransport(output, result, stream);
		try {
			output.setWriteListener(transport);
			if (request != null) {
				// the container's dispatches at the end need no filter (MockMvc's do: its
				// tests assert them)
				SseStreamEndFilter.markStream(request);
			}
			return transport;
		}
		catch (UnsupportedOperationException ex) {
			// no non-blocking I/O (MockMvc): write through the output stream directly
			return BlockingSseTransport.open(output, result, stream, BlockingSseTransport.TIMEOUT);
		}
	}

	/**
	 * Ends the stream when the container ends the async request: one object for the three
	 * callbacks, as every open stream holds them.
	 */
	private record ClientGone(DefaultSseStream stream) implements Runnable, Consumer<Throwable> {

		@Override
		public void run() {
			this.stream.abort(CloseReason.CLIENT_GONE, null);
		}

		@Override
		public void accept(Throwable ex) {
			this.stream.abort(CloseReason.CLIENT_GONE, ex);
		}

	}

	/**
	 * Headers set on every stream response, each unless the handler already set it.
	 *
	 * @param cacheControl the {@code Cache-Control} value, or {@code null} for none
	 * @param accelBuffering whether to send {@code X-Accel-Buffering: no}
	 * @param extra additional headers
	 */
	public record ResponseHeaders(@Nullable String cacheControl, boolean accelBuffering, Map<String, String> extra) {

		void apply(HttpServletResponse response) {
			response.setContentType("text/event-stream");
			setIfAbsent(response, HttpHeaders.CACHE_CONTROL, this.cacheControl);
			if (this.accelBuffering) {
				setIfAbsent(response, "X-Accel-Buffering", "no");
			}
			this.extra.forEach((name, value) -> setIfAbsent(response, name, value));
		}

		private static void setIfAbsent(HttpServletResponse response, String name, @Nullable String value) {
			if (value != null && !value.isEmpty() && !response.containsHeader(name)) {
				response.setHeader(name, value);
			}
		}

	}

}
