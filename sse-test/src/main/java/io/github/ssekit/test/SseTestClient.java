package io.github.ssekit.test;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.ssekit.client.SseClient;
import io.github.ssekit.client.SseListener;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseResponse;
import io.github.ssekit.client.SseResponseException;
import org.jspecify.annotations.Nullable;

/**
 * A client for tests of applications that serve Server-Sent Events: connects to a URL
 * (for example a {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} application),
 * collects what the stream sends and asserts on it with a deadline (5 s by default).
 * <p>
 * Events are taken in order: {@link #nextEvent()} and {@link #awaitEvents(int)} return
 * the events not taken yet; {@link #receivedEvents()} returns them all. By default the
 * client does not reconnect, so the end of the stream can be asserted with
 * {@link #awaitCompletion()}.
 *
 * <pre class="code">
 * try (SseTestClient sse = SseTestClient.connect("http://localhost:" + port + "/prices")) {
 *     assertThat(sse.statusCode()).isEqualTo(200);
 *     sse.nextEvent().hasType("price").hasData("42").hasId("1");
 *     assertThat(sse.awaitEvents(2)).extracting(SseMessage::data).containsExactly("43", "44");
 *     sse.assertNoEvent(Duration.ofMillis(200));
 * }
 * </pre>
 */
public final class SseTestClient implements AutoCloseable {

	private final Duration timeout;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final List<SseMessage> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final List<Throwable> errors = new ArrayList<>();

	private final SseClient client;

	private int taken;

	private @Nullable SseResponse response;

	private boolean completed;

	private SseTestClient(SseClient.Builder builder, Duration timeout) {
		this.timeout = timeout;
		this.client = builder.listener(new Recorder()).build();
	}

	/**
	 * Connects to an event stream with a {@code GET} request.
	 * @param url the URL of the stream
	 * @return the connected client
	 */
	public static SseTestClient connect(String url) {
		return builder(url).connect();
	}

	/**
	 * Connects to an event stream with a {@code GET} request.
	 * @param uri the URI of the stream
	 * @return the connected client
	 */
	public static SseTestClient connect(URI uri) {
		return builder(uri).connect();
	}

	/**
	 * Starts configuring a test client, for headers, a {@code POST} body or a deadline.
	 * @param url the URL of the stream
	 * @return a builder
	 */
	public static Builder builder(String url) {
		return builder(URI.create(url));
	}

	/**
	 * Starts configuring a test client, for headers, a {@code POST} body or a deadline.
	 * @param uri the URI of the stream
	 * @return a builder
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Waits for the response to the (first) request: an accepted event stream, or a
	 * rejected response (another status or content type).
	 * @return the response status and headers
	 * @throws AssertionError if no response arrives before the deadline
	 */
	public SseResponse awaitResponse() {
		return await("a response", () -> this.response != null, () -> Objects.requireNonNull(this.response));
	}

	/**
	 * Waits for the response and returns its status code.
	 * @return the HTTP status code
	 * @throws AssertionError if no response arrives before the deadline
	 */
	public int statusCode() {
		return awaitResponse().statusCode();
	}

	/**
	 * Waits for the response and returns its headers.
	 * @return the response headers
	 * @throws AssertionError if no response arrives before the deadline
	 */
	public HttpHeaders headers() {
		return awaitResponse().headers();
	}

	/**
	 * Takes the next event, waiting up to the deadline.
	 * @return assertions on the event
	 * @throws AssertionError if no event arrives in time
	 */
	public SseMessageAssert nextEvent() {
		return nextEvent(this.timeout);
	}

	/**
	 * Takes the next event, waiting up to a timeout.
	 * @param timeout how long to wait
	 * @return assertions on the event
	 * @throws AssertionError if no event arrives in time
	 */
	public SseMessageAssert nextEvent(Duration timeout) {
		return new SseMessageAssert(awaitEvents(1, timeout).get(0));
	}

	/**
	 * Takes the next events, waiting up to the deadline.
	 * @param count how many events to take
	 * @return the events, in order
	 * @throws AssertionError if fewer events arrive in time
	 */
	public List<SseMessage> awaitEvents(int count) {
		return awaitEvents(count, this.timeout);
	}

	/**
	 * Takes the next events, waiting up to a timeout.
	 * @param count how many events to take
	 * @param timeout how long to wait
	 * @return the events, in order
	 * @throws AssertionError if fewer events arrive in time
	 */
	public List<SseMessage> awaitEvents(int count, Duration timeout) {
		String what = (count == 1) ? "an event" : count + " events";
		return await(what, timeout, () -> this.events.size() - this.taken >= count, () -> take(count));
	}

	/**
	 * Asserts that no event (besides those already taken) arrives for a while.
	 * @param duration how long to watch
	 * @return this client
	 * @throws AssertionError if an event arrives
	 */
	public SseTestClient assertNoEvent(Duration duration) {
		boolean arrived = waitFor(duration, () -> this.events.size() > this.taken);
		if (arrived) {
			throw new AssertionError("Expected no event for " + duration.toMillis() + " ms but received "
					+ locked(() -> List.copyOf(this.events.subList(this.taken, this.events.size()))));
		}
		return this;
	}

	/**
	 * Waits, up to the deadline, for the stream to end (the server completed it, or the
	 * client stopped).
	 * @return this client
	 * @throws AssertionError if the stream is still open at the deadline
	 */
	public SseTestClient awaitCompletion() {
		await("the end of the stream", () -> this.completed, () -> this);
		return this;
	}

	/**
	 * Returns every event received so far, taken or not.
	 * @return a copy of the events, in order
	 */
	public List<SseMessage> receivedEvents() {
		return locked(() -> List.copyOf(this.events));
	}

	/**
	 * Returns the comments received so far, such as heartbeats.
	 * @return a copy of the comments (the text after the colon)
	 */
	public List<String> comments() {
		return locked(() -> List.copyOf(this.comments));
	}

	/**
	 * Returns the errors reported so far.
	 * @return a copy of the errors
	 */
	public List<Throwable> errors() {
		return locked(() -> List.copyOf(this.errors));
	}

	/**
	 * Returns the underlying client, for example for its {@link SseClient#lastEventId()}.
	 * @return the client
	 */
	public SseClient client() {
		return this.client;
	}

	/**
	 * Closes the connection.
	 */
	@Override
	public void close() {
		this.client.close();
	}

	private List<SseMessage> take(int count) {
		List<SseMessage> taken = List.copyOf(this.events.subList(this.taken, this.taken + count));
		this.taken += count;
		return taken;
	}

	private <T> T await(String what, BooleanSupplier condition, Supplier<T> result) {
		return await(what, this.timeout, condition, result);
	}

	private <T> T await(String what, Duration timeout, BooleanSupplier condition, Supplier<T> result) {
		this.lock.lock();
		try {
			if (!waitFor(timeout, condition)) {
				throw new AssertionError("Expected " + what + " within " + timeout.toMillis() + " ms; " + status());
			}
			return result.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean waitFor(Duration timeout, BooleanSupplier condition) {
		long remaining = timeout.toNanos();
		this.lock.lock();
		try {
			while (!condition.getAsBoolean() && remaining > 0) {
				remaining = this.changed.awaitNanos(remaining);
			}
			return condition.getAsBoolean();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting", ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	private String status() {
		return "received " + (this.events.size() - this.taken) + " more event(s) (" + this.taken + " taken), "
				+ ((this.response != null) ? "status " + this.response.statusCode() : "no response")
				+ (this.completed ? ", stream ended" : "") + (this.errors.isEmpty() ? "" : ", errors " + this.errors)
				+ " from " + this.client.uri();
	}

	private <T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void update(Runnable change) {
		this.lock.lock();
		try {
			change.run();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Records what the client sees.
	 */
	private final class Recorder implements SseListener {

		@Override
		public void onOpen(SseResponse response) {
			update(() -> recordResponse(response));
		}

		@Override
		public void onEvent(SseMessage event) {
			update(() -> SseTestClient.this.events.add(event));
		}

		@Override
		public void onComment(String comment) {
			update(() -> SseTestClient.this.comments.add(comment));
		}

		@Override
		public void onError(Throwable error) {
			update(() -> {
				SseTestClient.this.errors.add(error);
				if (error instanceof SseResponseException rejected) {
					recordResponse(rejected.response());
				}
			});
		}

		@Override
		public void onClosed() {
			update(() -> SseTestClient.this.completed = true);
		}

		private void recordResponse(SseResponse response) {
			if (SseTestClient.this.response == null) {
				SseTestClient.this.response = response;
			}
		}

	}

	/**
	 * Configures a {@link SseTestClient}.
	 */
	public static final class Builder {

		private final SseClient.Builder client;

		private Duration timeout = Duration.ofSeconds(5);

		private boolean connected;

		private Builder(URI uri) {
			this.client = SseClient.builder(uri).reconnect(false);
		}

		/**
		 * Adds a request header.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.client.header(name, value);
			return this;
		}

		/**
		 * Sends a {@code POST} request with a JSON body.
		 * @param json the body
		 * @return this builder
		 */
		public Builder postJson(String json) {
			this.client.method("POST").header("Content-Type", "application/json").body(json);
			return this;
		}

		/**
		 * Sets the {@code Last-Event-ID} of the first request, to test resumption.
		 * @param lastEventId the last event ID
		 * @return this builder
		 */
		public Builder lastEventId(String lastEventId) {
			this.client.lastEventId(lastEventId);
			return this;
		}

		/**
		 * Sets the deadline of the assertions that wait; 5 s by default.
		 * @param timeout the deadline
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * Customizes the underlying client, for anything else: another method or body,
		 * reconnection (off by default), a read timeout, an {@code HttpClient}.
		 * @param customizer changes the client builder
		 * @return this builder
		 */
		public Builder client(Consumer<SseClient.Builder> customizer) {
			customizer.accept(this.client);
			return this;
		}

		/**
		 * Connects. A builder connects once.
		 * @return the connected client
		 * @throws IllegalStateException if this builder already connected
		 */
		public SseTestClient connect() {
			if (this.connected) {
				throw new IllegalStateException("Already connected: create another builder");
			}
			this.connected = true;
			SseTestClient testClient = new SseTestClient(this.client, this.timeout);
			testClient.client.start();
			return testClient;
		}

	}

}
