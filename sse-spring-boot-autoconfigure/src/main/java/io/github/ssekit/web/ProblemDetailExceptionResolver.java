package io.github.ssekit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.github.ssekit.SseStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers an {@link SseRequestException} with an {@code application/problem+json}
 * body, whatever the application's error handling, since an {@code EventSource} client
 * has no other way to learn what was wrong. Request parameters that the servlet container
 * cannot decode for a handler method returning an {@link SseStream} are
 * answered the same way, as an {@link InvalidRequestParametersException}, instead of
 * reaching the container, which logs the value with a stack trace; other handlers' errors
 * are left alone. Nothing the client sent is logged.
 *
 * @author ssekit
 */
public class ProblemDetailExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(ProblemDetailExceptionResolver.class);

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		SseRequestException sseException = asSseRequestException(ex, handler);
		if (sseException == null || response.isCommitted()) {
			return null;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("SSE request answered with " + sseException.getStatusCode().value() + ": "
					+ sseException.getBody().getDetail());
		}
		ProblemDetail problem = sseException.getBody();
		response.setStatus(problem.getStatus());
		sseException.getHeaders().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		try {
			response.getWriter().write(toJson(problem, request.getRequestURI()));
		}
		catch (IOException writeFailure) {
			return null;
		}
		return new ModelAndView();
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

	private static String toJson(ProblemDetail problem, String instance) {
		return "{\"type\":\"about:blank\",\"title\":" + quote(String.valueOf(problem.getTitle())) + ",\"status\":"
				+ problem.getStatus() + ",\"detail\":" + quote(String.valueOf(problem.getDetail())) + ",\"instance\":"
				+ quote(instance) + "}";
	}

	private static String quote(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

}
