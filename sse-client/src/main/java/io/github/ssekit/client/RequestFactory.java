package io.github.ssekit.client;

import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Creates the request of each connection of a client: the configured method, body and
 * headers, {@code Accept: text/event-stream}, {@code Cache-Control: no-cache}, the read
 * timeout as the response timeout, and {@code Last-Event-ID} when there is one that
 * {@code java.net.http} can send.
 *
 * @author ssekit
 */
final class RequestFactory {

	/**
	 * The media type of an event stream.
	 */
	static final String EVENT_STREAM = "text/event-stream";

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final ClientSettings settings;

	RequestFactory(ClientSettings settings) {
		this.settings = settings;
	}

	/**
	 * Creates a request.
	 * @param lastEventId the last event ID; {@code ""} for none
	 * @return the request
	 * @throws IllegalArgumentException if the URI, method or a header is not valid for
	 * {@link java.net.http.HttpClient}
	 */
	HttpRequest create(String lastEventId) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(this.settings.uri())
			.method(this.settings.method(), bodyPublisher());
		this.settings.headers().forEach((header) -> builder.header(header[0], header[1]));
		builder.setHeader("Accept", EVENT_STREAM).setHeader("Cache-Control", "no-cache");
		Duration timeout = this.settings.readTimeout();
		if (timeout != null) {
			builder.timeout(timeout);
		}
		if (!lastEventId.isEmpty()) {
			lastEventIdHeader(builder, lastEventId);
		}
		return builder.build();
	}

	private HttpRequest.BodyPublisher bodyPublisher() {
		byte[] body = this.settings.body();
		return (body != null) ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody();
	}

	private static void lastEventIdHeader(HttpRequest.Builder builder, String lastEventId) {
		if (isVisibleAscii(lastEventId)) {
			builder.setHeader("Last-Event-ID", lastEventId);
		}
		else {
			logger.log(Level.WARNING, () -> "Not sending Last-Event-ID '" + lastEventId
					+ "': java.net.http sends header values as US-ASCII only");
		}
	}

	private static boolean isVisibleAscii(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || c > 0x7E) {
				return false;
			}
		}
		return true;
	}

}
