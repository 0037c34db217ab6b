package io.github.ssekit.sample;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records the {@code Last-Event-ID} header of every GET request, so a test can see on the
 * server side what a client sent when it reconnected.
 *
 * @author ssekit
 */
class LastEventIdRecorder extends OncePerRequestFilter {

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if ("GET".equals(request.getMethod())) {
			this.requests.add(new Request(request.getRequestURI(), request.getHeader("Last-Event-ID")));
		}
		chain.doFilter(request, response);
	}

	/**
	 * Return the GET requests for the given path since the last {@link #clear()}.
	 * @param path the request path
	 * @return the requests, in arrival order
	 */
	List<Request> requests(String path) {
		return this.requests.stream().filter((request) -> request.path().equals(path)).toList();
	}

	/**
	 * Return the {@code Last-Event-ID} headers that arrived for the given path.
	 * @param path the request path
	 * @return the header values, in arrival order
	 */
	List<String> lastEventIds(String path) {
		return requests(path).stream()
			.map(Request::lastEventId)
			.filter((id) -> id != null)
			.map(String::valueOf)
			.toList();
	}

	void clear() {
		this.requests.clear();
	}

	/**
	 * A recorded request.
	 *
	 * @param path the request path
	 * @param lastEventId the {@code Last-Event-ID} header, or {@code null} when absent
	 */
	record Request(String path, @Nullable String lastEventId) {
	}

}
