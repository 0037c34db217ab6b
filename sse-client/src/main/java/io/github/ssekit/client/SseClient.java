package io.github.ssekit.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A Server-Sent Events client that behaves as the WHATWG HTML standard's
 * {@code EventSource}: it connects, delivers events to {@link SseListener listeners} (or
 * a blocking {@link #events() queue}), and reconnects when the stream ends or fails,
 * sending {@code Last-Event-ID}.
 * <p>
 * A 204 response stops the client; any other status than 200, or a content type other
 * than {@code text/event-stream}, fails it without reconnecting. Between reconnections it
 * waits the server's {@code retry} time (or the configured reconnection delay), doubled
 * on each consecutive failed connection up to a maximum, plus jitter.
 * <p>
 * Each client reads on a thread of its own (a virtual thread on Java 21 and later), which
 * also calls the listeners. {@link #close()} may be called from any thread, listeners
 * included.
 *
 * <pre class="code">
 * SseClient client = SseClient.builder("http://localhost:8080/events")
 *     .onEvent((event) -&gt; System.out.println(event.type() + ": " + event.data()))
 *     .start();
 * // later
 * client.close();
 * </pre>
 */
public final class SseClient implements AutoCloseable {

	private final ClientSettings settings;

	private final ClientLifecycle lifecycle;

	private final ConnectionLoop loop;

	private SseClient(ClientSettings settings, List<SseListener> listeners) {
		Listeners dispatcher = new Listeners(listeners);
		this.settings = settings;
		this.lifecycle = new ClientLifecycle(dispatcher);
		this.loop = new ConnectionLoop(settings, this.lifecycle, dispatcher);
	}

	/**
	 * Starts building a client for an event stream.
	 * @param uri the {@code http} or {@code https} URI of the stream
	 * @return a builder
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Starts building a client for an event stream.
	 * @param uri the {@code http} or {@code https} URI of the stream
	 * @return a builder
	 */
	public static Builder builder(String uri) {
		return new Builder(URI.create(uri));
	}

	/**
	 * Starts connecting, on the client's own thread, and returns at once.
	 * @return this client
	 * @throws IllegalStateException if the client was already started or closed
	 */
	public SseClient start() {
		this.lifecycle.start();
		this.settings.threadFactory().newThread(this.loop::run).start();
		return this;
	}

	/**
	 * Stops the client for good: cancels the pending request or drops the connection,
	 * stops reconnecting and lets the client's thread end; {@link SseListener#onClosed()}
	 * follows on that thread. Returns at once; may be called from any thread, more than
	 * once.
	 */
	@Override
	public void close() {
		this.lifecycle.close();
	}

	/**
	 * Returns a blocking view of the events dispatched from now on. Obtain it before
	 * {@link #start()} to see every event.
	 * @return a new view, exhausted once the client has stopped
	 */
	public SseEventQueue events() {
		SseEventQueue queue = new SseEventQueue(this.settings.eventQueueCapacity());
		this.lifecycle.add(queue);
		return queue;
	}

	/**
	 * Waits until the client has stopped and called {@link SseListener#onClosed()}.
	 * @param timeout how long to wait
	 * @return whether the client stopped in time
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	public boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.lifecycle.awaitTermination(timeout);
	}

	/**
	 * Returns the state of the client.
	 * @return the state
	 */
	public State state() {
		return this.lifecycle.state();
	}

	/**
	 * Returns the last event ID, sent as {@code Last-Event-ID} on the next connection.
	 * @return the last event ID; {@code ""} when none (no header is sent then)
	 */
	public String lastEventId() {
		return this.loop.lastEventId();
	}

	/**
	 * Returns the reconnection time: the server's last valid {@code retry} or the
	 * configured reconnection delay.
	 * @return the reconnection time
	 */
	public Duration reconnectionTime() {
		return Duration.ofMillis(this.loop.reconnectionTime());
	}

	/**
	 * Returns the error that stopped the client: a {@link SseResponseException}, or any
	 * error when reconnection is disabled.
	 * @return the error, or {@code null} if the client runs or stopped without one
	 */
	public @Nullable Throwable failure() {
		return this.lifecycle.failure();
	}

	/**
	 * Returns the URI of the event stream.
	 * @return the URI
	 */
	public URI uri() {
		return this.settings.uri();
	}

	/**
	 * The state of a client, as an {@code EventSource}'s {@code readyState} with a state
	 * before {@link SseClient#start()}.
	 */
	public enum State {

		/**
		 * Built, not started.
		 */
		NEW,

		/**
		 * Connecting, or waiting to reconnect.
		 */
		CONNECTING,

		/**
		 * Connected: receiving events.
		 */
		OPEN,

		/**
		 * Stopped for good.
		 */
		CLOSED

	}

	/**
	 * Builds a {@link SseClient}.
	 */
	public static final class Builder {

		private final ClientSettings settings;

		private final List<SseListener> listeners = new ArrayList<>();

		private Builder(URI uri) {
			this.settings = new ClientSettings(uri);
		}

		/**
		 * Sets the request method; {@code GET} by default.
		 * @param method the method, for example {@code POST}
		 * @return this builder
		 */
		public Builder method(String method) {
			this.settings.setMethod(method);
			return this;
		}

		/**
		 * Sets the request body, sent (again) on every connection; UTF-8 encoded. Set the
		 * {@code Content-Type} with {@link #header(String, String)}.
		 * @param body the body
		 * @return this builder
		 */
		public Builder body(String body) {
			return body(body.getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * Sets the request body, sent (again) on every connection.
		 * @param body the body; copied
		 * @return this builder
		 */
		public Builder body(byte[] body) {
			this.settings.setBody(body);
			return this;
		}

		/**
		 * Adds a request header. {@code Accept: text/event-stream} and
		 * {@code Cache-Control: no-cache} are always sent; use
		 * {@link #lastEventId(String)} to resume a stream.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.settings.addHeader(name, value);
			return this;
		}

		/**
		 * Sets the {@link HttpClient} to use. By default a shared client that follows
		 * redirects ({@link HttpClient.Redirect#NORMAL}) is used; a custom client should
		 * follow them too.
		 * @param httpClient the HTTP client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.settings.setHttpClient(httpClient);
			return this;
		}

		/**
		 * Sets the reconnection time used until the server sends a {@code retry} field; 3
		 * s by default.
		 * @param reconnectDelay the delay, zero or positive
		 * @return this builder
		 */
		public Builder reconnectDelay(Duration reconnectDelay) {
			this.settings.setReconnectDelay(reconnectDelay);
			return this;
		}

		/**
		 * Sets the ceiling of the exponential backoff on consecutive failed connections
		 * (a larger {@code retry} from the server still wins); 30 s by default. A
		 * connection that received an event, or stayed open this long, resets the
		 * backoff.
		 * @param maxReconnectDelay the ceiling, zero or positive
		 * @return this builder
		 */
		public Builder maxReconnectDelay(Duration maxReconnectDelay) {
			this.settings.setMaxReconnectDelay(maxReconnectDelay);
			return this;
		}

		/**
		 * Sets the read timeout: when a connection receives no bytes at all (heartbeat
		 * comments included) for this long, or no response arrives, it is considered
		 * dead, reported with a {@link SseReadTimeoutException} and reconnected. Disabled
		 * by default; set it to a few times the server's heartbeat interval.
		 * @param readTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.settings.setReadTimeout(readTimeout);
			return this;
		}

		/**
		 * Sets the maximum size of an event (see
		 * {@link SseParser.Builder#maxEventSize(int)}); 1 MiB by default. A larger event
		 * is reported with a {@link SseEventTooLargeException} and the connection is
		 * dropped and reconnected.
		 * @param maxEventSize the maximum event size in bytes, at least 1
		 * @return this builder
		 */
		public Builder maxEventSize(int maxEventSize) {
			this.settings.setMaxEventSize(maxEventSize);
			return this;
		}

		/**
		 * Sets whether to reconnect when the stream ends or fails; {@code true} by
		 * default. Turn it off for a one-shot stream, such as a streamed answer to a
		 * POST.
		 * @param reconnect whether to reconnect
		 * @return this builder
		 */
		public Builder reconnect(boolean reconnect) {
			this.settings.setReconnect(reconnect);
			return this;
		}

		/**
		 * Sets the last event ID to resume from: sent as {@code Last-Event-ID} on the
		 * first connection.
		 * @param lastEventId the last event ID; {@code ""} for none
		 * @return this builder
		 */
		public Builder lastEventId(String lastEventId) {
			this.settings.setLastEventId(lastEventId);
			return this;
		}

		/**
		 * Sets how many events each {@link SseClient#events()} view holds before the
		 * client waits for them to be taken; 10,000 by default.
		 * @param eventQueueCapacity the capacity, at least 1
		 * @return this builder
		 */
		public Builder eventQueueCapacity(int eventQueueCapacity) {
			this.settings.setEventQueueCapacity(eventQueueCapacity);
			return this;
		}

		/**
		 * Sets the factory of the client's thread. By default a virtual thread on Java 21
		 * and later, a platform daemon thread before.
		 * @param threadFactory the thread factory
		 * @return this builder
		 */
		public Builder threadFactory(ThreadFactory threadFactory) {
			this.settings.setThreadFactory(threadFactory);
			return this;
		}

		/**
		 * Adds a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(SseListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Adds a callback for each established connection.
		 * @param callback receives the response status and headers
		 * @return this builder
		 * @see SseListener#onOpen(SseResponse)
		 */
		public Builder onOpen(Consumer<SseResponse> callback) {
			return listener(CallbackListener.onOpen(callback));
		}

		/**
		 * Adds a callback for each event.
		 * @param callback receives the events
		 * @return this builder
		 * @see SseListener#onEvent(SseMessage)
		 */
		public Builder onEvent(Consumer<SseMessage> callback) {
			return listener(CallbackListener.onEvent(callback));
		}

		/**
		 * Adds a callback for each comment line.
		 * @param callback receives the text after the colon
		 * @return this builder
		 * @see SseListener#onComment(String)
		 */
		public Builder onComment(Consumer<String> callback) {
			return listener(CallbackListener.onComment(callback));
		}

		/**
		 * Adds a callback for errors.
		 * @param callback receives the errors
		 * @return this builder
		 * @see SseListener#onError(Throwable)
		 */
		public Builder onError(Consumer<Throwable> callback) {
			return listener(CallbackListener.onError(callback));
		}

		/**
		 * Adds a callback for when the client has stopped for good.
		 * @param callback called once
		 * @return this builder
		 * @see SseListener#onClosed()
		 */
		public Builder onClosed(Runnable callback) {
			return listener(CallbackListener.onClosed(callback));
		}

		/**
		 * Builds the client, without starting it.
		 * @return a new client
		 * @throws IllegalArgumentException if the URI, method or a header is not valid
		 * for {@link HttpClient}
		 */
		public SseClient build() {
			ClientSettings settings = this.settings.copy();
			new RequestFactory(settings).create(settings.lastEventId());
			return new SseClient(settings, this.listeners);
		}

		/**
		 * Builds the client and starts it.
		 * @return the started client
		 * @see SseClient#start()
		 */
		public SseClient start() {
			return build().start();
		}

	}

}
