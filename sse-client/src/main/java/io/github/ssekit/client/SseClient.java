package io.github.ssekit.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A Server-Sent Events client that behaves as the WHATWG HTML standard's {@code EventSource}:
 * it connects, delivers events to {@link SseListener listeners} (or a blocking
 * {@link #events() queue}), and reconnects when the stream ends or fails, sending
 * {@code Last-Event-ID}.
 * <p>
 * A 204 response stops the client; any other status than 200, or a content type other than
 * {@code text/event-stream}, fails it without reconnecting. Between reconnections it waits the
 * server's {@code retry} time (or the configured reconnection delay), doubled on each
 * consecutive failed connection up to a maximum, plus jitter.
 * <p>
 * Each client reads on a thread of its own (a virtual thread on Java 21 and later), which also
 * calls the listeners. {@link #close()} may be called from any thread, listeners included.
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

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private static final int BUFFER_SIZE = 8192;

	private final ClientSettings settings;

	private final RequestFactory requests;

	private final Listeners listeners;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition stateChanged = this.lock.newCondition();

	private final CountDownLatch terminated = new CountDownLatch(1);

	private final List<SseEventQueue> queues = new CopyOnWriteArrayList<>();

	private volatile State state = State.NEW;

	private volatile String lastEventId;

	private volatile long reconnectionTime;

	private volatile @Nullable Throwable failure;

	private @Nullable Future<?> pendingResponse;

	private @Nullable InputStream responseBody;

	private SseClient(ClientSettings settings, List<SseListener> listeners) {
		this.settings = settings;
		this.listeners = new Listeners(listeners);
		this.requests = new RequestFactory(settings);
		this.lastEventId = settings.lastEventId();
		this.reconnectionTime = settings.reconnectDelay().toMillis();
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
		this.lock.lock();
		try {
			if (this.state != State.NEW) {
				throw new IllegalStateException("Client already " + (isClosed() ? "closed" : "started"));
			}
			this.state = State.CONNECTING;
		}
		finally {
			this.lock.unlock();
		}
		this.settings.threadFactory().newThread(this::run).start();
		return this;
	}

	/**
	 * Stops the client for good: cancels the pending request or drops the connection, stops
	 * reconnecting and lets the client's thread end; {@link SseListener#onClosed()} follows on
	 * that thread. Returns at once; may be called from any thread, more than once.
	 */
	@Override
	public void close() {
		Future<?> pending;
		InputStream body;
		boolean started;
		this.lock.lock();
		try {
			if (this.state == State.CLOSED) {
				return;
			}
			started = this.state != State.NEW;
			this.state = State.CLOSED;
			pending = this.pendingResponse;
			body = this.responseBody;
			this.stateChanged.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		this.queues.forEach(SseEventQueue::close);
		release(pending, body);
		if (!started) {
			this.terminated.countDown();
		}
	}

	/**
	 * Returns a blocking view of the events dispatched from now on. Obtain it before
	 * {@link #start()} to see every event.
	 * @return a new view, exhausted once the client has stopped
	 */
	public SseEventQueue events() {
		SseEventQueue queue = new SseEventQueue(this.settings.eventQueueCapacity());
		this.lock.lock();
		try {
			this.queues.add(queue);
			this.listeners.add(new SseListener() {

				@Override
				public void onEvent(SseMessage event) {
					queue.put(event);
				}

			});
			if (this.state == State.CLOSED) {
				queue.close();
			}
		}
		finally {
			this.lock.unlock();
		}
		return queue;
	}

	/**
	 * Waits until the client has stopped and called {@link SseListener#onClosed()}.
	 * @param timeout how long to wait
	 * @return whether the client stopped in time
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	public boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Returns the state of the client.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Returns the last event ID, sent as {@code Last-Event-ID} on the next connection.
	 * @return the last event ID; {@code ""} when none (no header is sent then)
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Returns the reconnection time: the server's last valid {@code retry} or the configured
	 * reconnection delay.
	 * @return the reconnection time
	 */
	public Duration reconnectionTime() {
		return Duration.ofMillis(this.reconnectionTime);
	}

	/**
	 * Returns the error that stopped the client: a {@link SseResponseException}, or any error
	 * when reconnection is disabled.
	 * @return the error, or {@code null} if the client runs or stopped without one
	 */
	public @Nullable Throwable failure() {
		return this.failure;
	}

	/**
	 * Returns the URI of the event stream.
	 * @return the URI
	 */
	public URI uri() {
		return this.settings.uri();
	}

	private boolean isClosed() {
		return this.state == State.CLOSED;
	}

	private void run() {
		Backoff backoff = new Backoff(this.settings.maxReconnectDelay().toMillis());
		try {
			while (connect(backoff) && awaitReconnection(backoff.delayMillis(this.reconnectionTime))) {
				logger.log(Level.DEBUG, () -> "Reconnecting to " + this.settings.uri());
			}
		}
		catch (RuntimeException ex) {
			if (!isClosed()) {
				fail(ex);
			}
		}
		finally {
			terminate();
		}
	}

	private boolean connect(Backoff backoff) {
		Connection connection = new Connection();
		boolean reconnect = connection.run();
		if (connection.isHealthy()) {
			backoff.recordHealthy();
		}
		else {
			backoff.recordFailure();
		}
		return reconnect;
	}

	private boolean awaitReconnection(long delayMillis) {
		long remaining = TimeUnit.MILLISECONDS.toNanos(delayMillis);
		this.lock.lock();
		try {
			if (!isClosed()) {
				this.state = State.CONNECTING;
			}
			while (!isClosed() && remaining > 0) {
				remaining = this.stateChanged.awaitNanos(remaining);
			}
			return !isClosed();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void fail(Throwable error) {
		this.failure = error;
		this.listeners.onError(error);
	}

	private void terminate() {
		this.lock.lock();
		try {
			this.state = State.CLOSED;
			this.pendingResponse = null;
			this.responseBody = null;
		}
		finally {
			this.lock.unlock();
		}
		this.queues.forEach(SseEventQueue::close);
		this.listeners.onClosed();
		this.terminated.countDown();
	}

	private boolean register(Future<?> pending) {
		this.lock.lock();
		try {
			this.pendingResponse = isClosed() ? null : pending;
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean register(InputStream body) {
		this.lock.lock();
		try {
			this.pendingResponse = null;
			this.responseBody = isClosed() ? null : body;
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean open() {
		this.lock.lock();
		try {
			if (!isClosed()) {
				this.state = State.OPEN;
			}
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	private static void release(@Nullable Future<?> pending, @Nullable InputStream body) {
		if (pending != null) {
			pending.cancel(true);
		}
		closeQuietly(body);
	}

	private static void closeQuietly(@Nullable InputStream body) {
		if (body == null) {
			return;
		}
		try {
			body.close();
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Failed to close the response body", ex);
		}
	}

	private HttpRequest request() {
		return this.requests.create(this.lastEventId);
	}

	/**
	 * The state of a client, as an {@code EventSource}'s {@code readyState} with a state before
	 * {@link SseClient#start()}.
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
	 * One connection: sends the request, checks the response, reads the stream.
	 */
	private final class Connection implements SseParser.Listener {

		private long openedNanos;

		private boolean opened;

		private boolean eventReceived;

		private @Nullable ReadTimeout readTimeout;

		boolean run() {
			try {
				HttpResponse<InputStream> response = send();
				if (response == null) {
					return false;
				}
				try {
					return accept(response) && readAndReconnect(response.body());
				}
				finally {
					release(null, response.body());
				}
			}
			catch (IOException | SseException ex) {
				return reconnectAfter(ex);
			}
		}

		boolean isHealthy() {
			long openNanos = System.nanoTime() - this.openedNanos;
			return this.eventReceived
					|| (this.opened && openNanos >= SseClient.this.settings.maxReconnectDelay().toNanos());
		}

		private @Nullable HttpResponse<InputStream> send() throws IOException {
			CompletableFuture<HttpResponse<InputStream>> future = SseClient.this.settings.httpClient()
				.sendAsync(request(), HttpResponse.BodyHandlers.ofInputStream());
			if (!register(future)) {
				future.cancel(true);
				return null;
			}
			HttpResponse<InputStream> response = await(future);
			if (response != null && !register(response.body())) {
				closeQuietly(response.body());
				return null;
			}
			return response;
		}

		private @Nullable HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> future)
				throws IOException {
			try {
				return future.get();
			}
			catch (CancellationException ex) {
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				close();
				return null;
			}
			catch (ExecutionException ex) {
				if (isClosed()) {
					return null;
				}
				throw rethrow(ex.getCause());
			}
		}

		private IOException rethrow(@Nullable Throwable cause) {
			if (cause instanceof IOException ioException) {
				return ioException;
			}
			if (cause instanceof RuntimeException runtimeException) {
				throw runtimeException;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			return new IOException(cause);
		}

		private boolean accept(HttpResponse<InputStream> response) {
			SseResponse info = new SseResponse(response.uri(), response.statusCode(), response.headers());
			if (ResponseValidator.isNoContent(info)) {
				logger.log(Level.DEBUG, () -> "204 No Content from " + info.uri() + ": not reconnecting");
				return false;
			}
			SseResponseException rejected = ResponseValidator.reject(info);
			if (rejected != null) {
				fail(rejected);
				return false;
			}
			return opened(info);
		}

		private boolean opened(SseResponse info) {
			this.opened = true;
			this.openedNanos = System.nanoTime();
			if (!open()) {
				return false;
			}
			SseClient.this.listeners.onOpen(info);
			return true;
		}

		private boolean readAndReconnect(InputStream body) throws IOException {
			Duration timeout = SseClient.this.settings.readTimeout();
			this.readTimeout = (timeout != null) ? ReadTimeout.start(timeout, () -> closeQuietly(body)) : null;
			try {
				read(body);
			}
			finally {
				if (this.readTimeout != null) {
					this.readTimeout.stop();
				}
			}
			if (this.readTimeout != null && this.readTimeout.expired()) {
				throw new SseReadTimeoutException(timeout, null);
			}
			return reconnectAfter(null);
		}

		private void read(InputStream body) throws IOException {
			SseParser parser = SseParser.builder(this)
				.lastEventId(SseClient.this.lastEventId)
				.maxEventSize(SseClient.this.settings.maxEventSize())
				.build();
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				for (int read = body.read(buffer); read != -1 && !isClosed(); read = body.read(buffer)) {
					watch(ReadTimeout::processing);
					parser.feed(buffer, 0, read);
					SseClient.this.lastEventId = parser.lastEventId();
					watch(ReadTimeout::reading);
				}
			}
			finally {
				parser.end();
				SseClient.this.lastEventId = parser.lastEventId();
			}
		}

		private void watch(Consumer<ReadTimeout> event) {
			if (this.readTimeout != null) {
				event.accept(this.readTimeout);
			}
		}

		private boolean reconnectAfter(@Nullable Exception error) {
			if (isClosed()) {
				return false;
			}
			Throwable reported = (error != null) ? translate(error) : null;
			boolean reconnect = SseClient.this.settings.reconnect();
			if (reported != null) {
				logger.log(Level.DEBUG, () -> "SSE connection to " + SseClient.this.settings.uri() + " failed: " + reported);
				if (reconnect) {
					SseClient.this.listeners.onError(reported);
				}
				else {
					fail(reported);
				}
			}
			return reconnect;
		}

		private Throwable translate(Exception error) {
			Duration timeout = SseClient.this.settings.readTimeout();
			boolean timedOut = (this.readTimeout != null && this.readTimeout.expired())
					|| error instanceof HttpTimeoutException;
			if (timeout != null && timedOut && !(error instanceof SseReadTimeoutException)) {
				return new SseReadTimeoutException(timeout, error);
			}
			return error;
		}

		@Override
		public void onEvent(SseMessage event) {
			this.eventReceived = true;
			if (!isClosed()) {
				SseClient.this.listeners.onEvent(event);
			}
		}

		@Override
		public void onComment(String comment) {
			if (!isClosed()) {
				SseClient.this.listeners.onComment(comment);
			}
		}

		@Override
		public void onRetry(long milliseconds) {
			SseClient.this.reconnectionTime = milliseconds;
		}

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
		 * {@code Cache-Control: no-cache} are always sent; use {@link #lastEventId(String)} to
		 * resume a stream.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.settings.addHeader(name, value);
			return this;
		}

		/**
		 * Sets the {@link HttpClient} to use. By default a shared client that follows redirects
		 * ({@link HttpClient.Redirect#NORMAL}) is used; a custom client should follow them too.
		 * @param httpClient the HTTP client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.settings.setHttpClient(httpClient);
			return this;
		}

		/**
		 * Sets the reconnection time used until the server sends a {@code retry} field; 3 s by
		 * default.
		 * @param reconnectDelay the delay, zero or positive
		 * @return this builder
		 */
		public Builder reconnectDelay(Duration reconnectDelay) {
			this.settings.setReconnectDelay(reconnectDelay);
			return this;
		}

		/**
		 * Sets the ceiling of the exponential backoff on consecutive failed connections (a
		 * larger {@code retry} from the server still wins); 30 s by default. A connection that
		 * received an event, or stayed open this long, resets the backoff.
		 * @param maxReconnectDelay the ceiling, zero or positive
		 * @return this builder
		 */
		public Builder maxReconnectDelay(Duration maxReconnectDelay) {
			this.settings.setMaxReconnectDelay(maxReconnectDelay);
			return this;
		}

		/**
		 * Sets the read timeout: when a connection receives no bytes at all (heartbeat comments
		 * included) for this long, or no response arrives, it is considered dead, reported with
		 * a {@link SseReadTimeoutException} and reconnected. Disabled by default; set it to a
		 * few times the server's heartbeat interval.
		 * @param readTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.settings.setReadTimeout(readTimeout);
			return this;
		}

		/**
		 * Sets the maximum size of an event (see {@link SseParser.Builder#maxEventSize(int)});
		 * 1 MiB by default. A larger event is reported with a {@link SseEventTooLargeException}
		 * and the connection is dropped and reconnected.
		 * @param maxEventSize the maximum event size in bytes, at least 1
		 * @return this builder
		 */
		public Builder maxEventSize(int maxEventSize) {
			this.settings.setMaxEventSize(maxEventSize);
			return this;
		}

		/**
		 * Sets whether to reconnect when the stream ends or fails; {@code true} by default. Turn
		 * it off for a one-shot stream, such as a streamed answer to a POST.
		 * @param reconnect whether to reconnect
		 * @return this builder
		 */
		public Builder reconnect(boolean reconnect) {
			this.settings.setReconnect(reconnect);
			return this;
		}

		/**
		 * Sets the last event ID to resume from: sent as {@code Last-Event-ID} on the first
		 * connection.
		 * @param lastEventId the last event ID; {@code ""} for none
		 * @return this builder
		 */
		public Builder lastEventId(String lastEventId) {
			this.settings.setLastEventId(lastEventId);
			return this;
		}

		/**
		 * Sets how many events each {@link SseClient#events()} view holds before the client
		 * waits for them to be taken; 10,000 by default.
		 * @param eventQueueCapacity the capacity, at least 1
		 * @return this builder
		 */
		public Builder eventQueueCapacity(int eventQueueCapacity) {
			this.settings.setEventQueueCapacity(eventQueueCapacity);
			return this;
		}

		/**
		 * Sets the factory of the client's thread. By default a virtual thread on Java 21 and
		 * later, a platform daemon thread before.
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
			Objects.requireNonNull(callback, "callback");
			return listener(new SseListener() {

				@Override
				public void onOpen(SseResponse response) {
					callback.accept(response);
				}

			});
		}

		/**
		 * Adds a callback for each event.
		 * @param callback receives the events
		 * @return this builder
		 * @see SseListener#onEvent(SseMessage)
		 */
		public Builder onEvent(Consumer<SseMessage> callback) {
			Objects.requireNonNull(callback, "callback");
			return listener(new SseListener() {

				@Override
				public void onEvent(SseMessage event) {
					callback.accept(event);
				}

			});
		}

		/**
		 * Adds a callback for each comment line.
		 * @param callback receives the text after the colon
		 * @return this builder
		 * @see SseListener#onComment(String)
		 */
		public Builder onComment(Consumer<String> callback) {
			Objects.requireNonNull(callback, "callback");
			return listener(new SseListener() {

				@Override
				public void onComment(String comment) {
					callback.accept(comment);
				}

			});
		}

		/**
		 * Adds a callback for errors.
		 * @param callback receives the errors
		 * @return this builder
		 * @see SseListener#onError(Throwable)
		 */
		public Builder onError(Consumer<Throwable> callback) {
			Objects.requireNonNull(callback, "callback");
			return listener(new SseListener() {

				@Override
				public void onError(Throwable error) {
					callback.accept(error);
				}

			});
		}

		/**
		 * Adds a callback for when the client has stopped for good.
		 * @param callback called once
		 * @return this builder
		 * @see SseListener#onClosed()
		 */
		public Builder onClosed(Runnable callback) {
			Objects.requireNonNull(callback, "callback");
			return listener(new SseListener() {

				@Override
				public void onClosed() {
					callback.run();
				}

			});
		}

		/**
		 * Builds the client, without starting it.
		 * @return a new client
		 * @throws IllegalArgumentException if the URI, method or a header is not valid for
		 * {@link HttpClient}
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
