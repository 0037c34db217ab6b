package io.github.ssekit.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import io.github.ssekit.SseRequestException;
import io.github.ssekit.SseStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers an {@link SseRequestException} with an {@code application/problem+json} body,
 * whatever the application's error handling, since an {@code EventSource} client has no
 * other way to learn what was wrong. Request parameters that the servlet container cannot
 * decode for a handler method returning an {@link SseStream} are answered the same way,
 * as an {@link InvalidRequestParametersException}, instead of reaching the container,
 * which logs the value with a stack trace; other handlers' errors are left alone. Nothing
 * the client sent is logged.
 * <p>
 * The body is written by the first of Spring MVC's message converters that writes a
 * {@link ProblemDetail} as {@code application/problem+json} (Jackson's, configured by
 * {@code spring.jackson.*}); without one, the answer is the status and headers alone.
 *
 * @author ssekit
 */
public class ProblemDetailExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(ProblemDetailExceptionResolver.class);

	private final List<HttpMessageConverter<?>> messageConverters;

	/**
	 * Create a resolver that writes with the given message converters, those of Spring
	 * MVC's {@code ExceptionHandlerExceptionResolver}.
	 * @param messageConverters the message converters
	 */
	public ProblemDetailExceptionResolver(List<HttpMessageConverter<?>> messageConverters) {
		this.messageConverters = List.copyOf(messageConverters);
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		SseRequestException sseException = asSseRequestException(ex, handler);
		if (sseException == null || response.isCommitted()) {
			return null;
		}
		ProblemDetail problem = sseException.getBody();
		if (logger.isDebugEnabled()) {
			logger.debug("SSE request answered with " + problem.getStatus() + ": " + problem.getDetail());
		}
		if (problem.getInstance() == null) {
			problem.setInstance(URI.create(request.getRequestURI()));
		}
		try {
			write(problem, sseException, response);
		}
		catch (IOException | RuntimeException writeFailure) {
			logger.debug("Could not write the Problem Detail of an SSE request", writeFailure);
		}
		return new ModelAndView();
	}

	@SuppressWarnings("unchecked")
	private void write(ProblemDetail problem, SseRequestException ex, HttpServletResponse response) throws IOException {
		try (ServletServerHttpResponse output = new ServletServerHttpResponse(response)) {
			output.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
			output.getHeaders().putAll(ex.getHeaders());
			for (HttpMessageConverter<?> converter : this.messageConverters) {
				if (converter.canWrite(ProblemDetail.class, MediaType.APPLICATION_PROBLEM_JSON)) {
					((HttpMessageConverter<Object>) converter).write(problem, MediaType.APPLICATION_PROBLEM_JSON,
							output);
					return;
				}
			}
		}
	}

	private static @Nullable SseRequestException asSseRequestException(Exception ex, @Nullable Object handler) {
		if (ex instanceof SseRequestException sseException) {
			return sseException;
		}
		if (servesStream(handler) && ParameterFailures.isParameterFailure(ex)) {
			return new InvalidRequestParametersException();
		}
		return null;
	}

	private static boolean servesStream(@Nullable Object handler) {
		return handler instanceof HandlerMethod method
				&& SseStream.class.isAssignableFrom(method.getReturnType().getParameterType());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

}
