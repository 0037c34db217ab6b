package io.github.ssekit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers an {@link SseRequestException} with an {@code application/problem+json}
 * body, whatever the application's error handling, since an {@code EventSource} client
 * has no other way to learn what was wrong.
 *
 * @author ssekit
 */
public class ProblemDetailExceptionResolver implements HandlerExceptionResolver, Ordered {

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof SseRequestException sseException) || response.isCommitted()) {
			return null;
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
