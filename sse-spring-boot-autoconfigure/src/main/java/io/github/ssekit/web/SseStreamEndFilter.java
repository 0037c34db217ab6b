package io.github.ssekit.web;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Ends the async and error dispatches of a stream's request before any other filter sees
 * them. A stream writes its response itself; when it ends, Spring MVC dispatches the
 * request once more to process a result that a stream does not have, and a container
 * dispatches a failed one to its error page. Through the application's filters those
 * dispatches only cause trouble: a security filter chain that no longer finds the
 * session's login (the user logged out, the session expired) denies the dispatch and logs
 * an error for a response that is already committed, and an error page writes JSON into
 * an event stream. Ending the dispatch here lets the container complete the response; the
 * request's completion callbacks (Spring's async listeners, the observation's end) run as
 * for any async request.
 * <p>
 * Register it first, for the {@link DispatcherType#ASYNC} and
 * {@link DispatcherType#ERROR} dispatcher types; other requests pass through untouched.
 *
 * @author ssekit
 */
public final class SseStreamEndFilter implements Filter {

	private static final Log logger = LogFactory.getLog(SseStreamEndFilter.class);

	/** The request attribute that marks a request served by a stream. */
	static final String STREAM_ATTRIBUTE = SseStreamEndFilter.class.getName() + ".STREAM";

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		DispatcherType type = request.getDispatcherType();
		if ((type == DispatcherType.ASYNC || type == DispatcherType.ERROR)
				&& request.getAttribute(STREAM_ATTRIBUTE) != null) {
			if (logger.isTraceEnabled()) {
				logger.trace("SSE stream's " + type + " dispatch ended: the stream wrote its response");
			}
			return;
		}
		chain.doFilter(request, response);
	}

	static void markStream(ServletRequest request) {
		request.setAttribute(STREAM_ATTRIBUTE, Boolean.TRUE);
	}

}
