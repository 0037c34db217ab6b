package io.github.ssekit.web;

import io.github.ssekit.stream.SseStreamRegistry;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Closes the streams of an HTTP session when it ends: a logout that invalidates it, or
 * its expiry. The user's events stop at once instead of flowing to a browser that has
 * logged out; its {@code EventSource} reconnects and meets the application's security
 * again. A Spring Boot application registers it with the embedded container as a bean.
 *
 * @author ssekit
 */
public class SseSessionListener implements HttpSessionListener {

	private static final Log logger = LogFactory.getLog(SseSessionListener.class);

	private final SseStreamRegistry registry;

	/**
	 * Create a listener.
	 * @param registry the registry of the open streams
	 */
	public SseSessionListener(SseStreamRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void sessionDestroyed(HttpSessionEvent event) {
		int closed = this.registry.closeSessionStreams(event.getSession().getId());
		if (closed > 0 && logger.isDebugEnabled()) {
			logger.debug("Closed " + closed + " SSE stream(s) of an ended session");
		}
	}

}
