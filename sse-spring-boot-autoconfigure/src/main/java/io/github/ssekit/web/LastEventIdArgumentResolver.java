package io.github.ssekit.web;

import java.util.Optional;

import io.github.ssekit.LastEventId;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link LastEventId @LastEventId} parameters from the {@code Last-Event-ID}
 * header, or from a query parameter when configured and the header is absent. A value
 * that is too long or holds a control character (other than a tab), and parameters the
 * container cannot decode, are answered with a 400 Problem Detail that never quotes the
 * value.
 *
 * @author ssekit
 */
public class LastEventIdArgumentResolver implements HandlerMethodArgumentResolver {

	/** The request header a reconnecting client sends. */
	public static final String HEADER = "Last-Event-ID";

	private final @Nullable String queryParameter;

	private final int maxLength;

	/**
	 * Create a resolver.
	 * @param queryParameter the query parameter read when the header is absent, or
	 * {@code null}
	 * @param maxLength the longest value accepted
	 */
	public LastEventIdArgumentResolver(@Nullable String queryParameter, int maxLength) {
		this.queryParameter = queryParameter;
		this.maxLength = maxLength;
	}

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.hasParameterAnnotation(LastEventId.class);
	}

	@Override
	public @Nullable Object resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
		String value = read(webRequest);
		Class<?> type = parameter.getParameterType();
		if (type == String.class) {
			return value;
		}
		if (type == Optional.class) {
			return Optional.ofNullable(value);
		}
		if (type == long.class || type == Long.class) {
			return toLong(value, type == long.class);
		}
		throw new IllegalStateException("@LastEventId supports String, Optional<String>, long and Long, not "
				+ parameter.getGenericParameterType() + " (parameter '" + parameter.getParameterName() + "')");
	}

	private @Nullable String read(NativeWebRequest webRequest) {
		String value = webRequest.getHeader(HEADER);
		if (value == null && this.queryParameter != null) {
			value = readParameter(webRequest, this.queryParameter);
		}
		if (value != null && value.length() > this.maxLength) {
			throw new InvalidLastEventIdException("Last-Event-ID is longer than " + this.maxLength + " characters");
		}
		if (value != null && containsControlCharacter(value)) {
			throw new InvalidLastEventIdException("Last-Event-ID must not contain control characters");
		}
		return value;
	}

	private static @Nullable String readParameter(NativeWebRequest webRequest, String name) {
		try {
			return webRequest.getParameter(name);
		}
		catch (RuntimeException ex) {
			if (ParameterFailures.isParameterFailure(ex)) {
				throw new InvalidRequestParametersException();
			}
			throw ex;
		}
	}

	private static boolean containsControlCharacter(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Long toLong(@Nullable String value, boolean primitive) {
		if (value == null || value.isEmpty()) {
			return primitive ? 0L : null;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new InvalidLastEventIdException("Last-Event-ID must be a number");
		}
	}

}
