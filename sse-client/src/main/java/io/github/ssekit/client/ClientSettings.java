package io.github.ssekit.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link SseClient}, checked as it is set. A
 * {@link SseClient.Builder} fills it in and hands each client a {@link #copy()} that is
 * not changed afterwards.
 *
 * @author ssekit
 */
final class ClientSettings {

	private final URI uri;

	private String method = "GET";

	private byte @Nullable [] body;

	private final List<String[]> headers = new ArrayList<>();

	private HttpClient httpClient = DefaultHttpClient.INSTANCE;

	private Duration reconnectDelay = Duration.ofSeconds(3);

	private Duration maxReconnectDelay = Duration.ofSeconds(30);

	private @Nullable Duration readTimeout;

	private int maxEventSize = SseParser.DEFAULT_MAX_EVENT_SIZE;

	private boolean reconnect = true;

	private String lastEventId = "";

	private int eventQueueCapacity = 10_000;

	private ThreadFactory threadFactory = Threads.defaultFactory();

	ClientSettings(URI uri) {
		this.uri = Objects.requireNonNull(uri, "uri");
	}

	ClientSettings copy() {
		ClientSettings copy = new ClientSettings(this.uri);
		copy.httpClient = this.httpClient;
		copy.method = this.method;
		copy.body = this.body;
		copy.headers.addAll(this.headers);
		copy.reconnectDelay = this.reconnectDelay;
		copy.maxReconnectDelay = this.maxReconnectDelay;
		copy.readTimeout = this.readTimeout;
		copy.maxEventSize = this.maxEventSize;
		copy.reconnect = this.reconnect;
		copy.lastEventId = this.lastEventId;
		copy.eventQueueCapacity = this.eventQueueCapacity;
		copy.threadFactory = this.threadFactory;
		return copy;
	}

	URI uri() {
		return this.uri;
	}

	String method() {
		return this.method;
	}

	void setMethod(String method) {
		this.method = Objects.requireNonNull(method, "method");
	}

	byte @Nullable [] body() {
		return this.body;
	}

	void setBody(byte[] body) {
		this.body = body.clone();
	}

	List<String[]> headers() {
		return this.headers;
	}

	void addHeader(String name, String value) {
		if ("Last-Event-ID".equalsIgnoreCase(name)) {
			throw new IllegalArgumentException("Use lastEventId(String) to send Last-Event-ID");
		}
		this.headers.add(new String[] { Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value") });
	}

	HttpClient httpClient() {
		return this.httpClient;
	}

	void setHttpClient(HttpClient httpClient) {
		this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
	}

	Duration reconnectDelay() {
		return this.reconnectDelay;
	}

	void setReconnectDelay(Duration reconnectDelay) {
		this.reconnectDelay = requireNotNegative(reconnectDelay, "reconnectDelay");
	}

	Duration maxReconnectDelay() {
		return this.maxReconnectDelay;
	}

	void setMaxReconnectDelay(Duration maxReconnectDelay) {
		this.maxReconnectDelay = requireNotNegative(maxReconnectDelay, "maxReconnectDelay");
	}

	@Nullable Duration readTimeout() {
		return this.readTimeout;
	}

	void setReadTimeout(Duration readTimeout) {
		requireNotNegative(readTimeout, "readTimeout");
		if (readTimeout.isZero()) {
			throw new IllegalArgumentException("readTimeout must be positive");
		}
		this.readTimeout = readTimeout;
	}

	int maxEventSize() {
		return this.maxEventSize;
	}

	void setMaxEventSize(int maxEventSize) {
		if (maxEventSize < 1) {
			throw new IllegalArgumentException("maxEventSize must be positive: " + maxEventSize);
		}
		this.maxEventSize = maxEventSize;
	}

	boolean reconnect() {
		return this.reconnect;
	}

	void setReconnect(boolean reconnect) {
		this.reconnect = reconnect;
	}

	String lastEventId() {
		return this.lastEventId;
	}

	void setLastEventId(String lastEventId) {
		this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
	}

	int eventQueueCapacity() {
		return this.eventQueueCapacity;
	}

	void setEventQueueCapacity(int eventQueueCapacity) {
		if (eventQueueCapacity < 1) {
			throw new IllegalArgumentException("eventQueueCapacity must be positive: " + eventQueueCapacity);
		}
		this.eventQueueCapacity = eventQueueCapacity;
	}

	ThreadFactory threadFactory() {
		return this.threadFactory;
	}

	void setThreadFactory(ThreadFactory threadFactory) {
		this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
	}

	private static Duration requireNotNegative(Duration duration, String name) {
		if (Objects.requireNonNull(duration, name).isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative: " + duration);
		}
		return duration;
	}

	/**
	 * The shared default {@link HttpClient}, created when first needed.
	 */
	private static final class DefaultHttpClient {

		static final HttpClient INSTANCE = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

	}

}
