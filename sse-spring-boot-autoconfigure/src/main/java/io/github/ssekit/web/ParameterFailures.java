package io.github.ssekit.web;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Recognises the exceptions a servlet container throws from
 * {@code ServletRequest.getParameter*} when it cannot decode the request's parameters:
 * Tomcat's {@code InvalidParameterException} and Jetty's {@code HttpException} family
 * ({@code BadMessageException}, {@code HttpException.IllegalStateException}). Matched by
 * name, so that neither container is needed on the class path.
 *
 * @author ssekit
 */
final class ParameterFailures {

	private static final String TOMCAT = "org.apache.tomcat.util.http.InvalidParameterException";

	private static final String JETTY = "org.eclipse.jetty.http.HttpException";

	private static final int MAX_DEPTH = 8;

	private ParameterFailures() {
	}

	/**
	 * Return whether the given exception, or one of its causes, is a container's failure
	 * to decode the request's parameters.
	 * @param ex the exception
	 * @return {@code true} if the parameters could not be decoded
	 */
	static boolean isParameterFailure(Throwable ex) {
		Throwable candidate = ex;
		for (int depth = 0; candidate != null && depth < MAX_DEPTH; depth++, candidate = candidate.getCause()) {
			if (isOrExtends(candidate.getClass(), TOMCAT) || implementsInterface(candidate.getClass(), JETTY)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isOrExtends(@Nullable Class<?> type, String name) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (candidate.getName().equals(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean implementsInterface(Class<?> type, String name) {
		return ClassUtils.getAllInterfacesForClassAsSet(type)
			.stream()
			.anyMatch((candidate) -> candidate.getName().equals(name));
	}

}
