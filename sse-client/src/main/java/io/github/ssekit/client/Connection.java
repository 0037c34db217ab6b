package io.github.ssekit.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One connection of a client: sends the request, checks the response with
 * {@link ResponseValidator}, reads the stream with a {@link SseParser} and dispatches
 * what it reads, under an optional {@link ReadTimeout}. Decides whether to reconnect: a
 * rejected response, a 204 or a closed client does not; the end of the stream or an I/O
 * error does, unless reconnection is disabled, in which case the error becomes the
 * failure.
 *
 * @author ssekit
 */
final class Connection implements SseParser.Listener {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private static final int BUFFER_SIZE = 8192;

	private final ConnectionLoop loop;

	private final ClientSettings settings;

	private final ClientLifecycle lifecycle;

	private final Listeners listeners;

	private long openedNanos;

	private boolean opened;

	private boolean eventReceived;

	private @Nullable ReadTimeout readTimeout;

	Connection(ConnectionLoop loop, ClientSettings settings, ClientLifecycle lifecycle, Listeners listeners) {
		this.loop = loop;
		this.settings = settings;
		this.lifecycle = lifecycle;
		this.listeners = listeners;
	}

	/**
	 * Connects, reads the stream until it ends, and reports how it ended.
	 * @param request the request
	 * @return whether to reconnect
	 */
	boolean run(HttpRequest request) {
		try {
			HttpResponse<InputStream> response = send(request);
			if (response == null) {
				return false;
			}
			try {
				return accept(response) && readAndReconnect(response.body());
			}
			finally {
				ClientLifecycle.closeQuietly(response.body());
			}
		}
		catch (IOException | SseException ex) {
			return reconnectAfter(ex);
		}
	}

	/**
	 * Returns whether the connection received an event or stayed open for the maximum
	 * reconnection delay, which resets the backoff.
	 * @return whether the connection was healthy
	 */
	boolean isHealthy() {
		long openNanos = System.nanoTime() - this.openedNanos;
		return this.eventReceived || (this.opened && openNanos >= this.settings.maxReconnectDelay().toNanos());
	}

	private @Nullable HttpResponse<InputStream> send(HttpRequest request) throws IOException {
		CompletableFuture<HttpResponse<InputStream>> future = this.settings.httpClient()
			.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
		if (!this.lifecycle.register(future)) {
			future.cancel(true);
			return null;
		}
		HttpResponse<InputStream> response = await(future);
		if (response != null && !this.lifecycle.register(response.body())) {
			ClientLifecycle.closeQuietly(response.body());
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
			this.lifecycle.close();
			return null;
		}
		catch (ExecutionException ex) {
			if (this.lifecycle.isClosed()) {
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
			this.lifecycle.fail(rejected);
			return false;
		}
		return opened(info);
	}

	private boolean opened(SseResponse info) {
		this.opened = true;
		this.openedNanos = System.nanoTime();
		if (!this.lifecycle.open()) {
			return false;
		}
		this.listeners.onOpen(info);
		return true;
	}

	private boolean readAndReconnect(InputStream body) throws IOException {
		Duration timeout = this.settings.readTimeout();
		this.readTimeout = (timeout != null) ? ReadTimeout.start(timeout, () -> ClientLifecycle.closeQuietly(body))
				: null;
		try {
			read(body);
		}
		finally {
			if (this.readTimeout != null) {
				this.readTimeout.stop();
			}
		}
		if (timeout != null && this.readTimeout != null && this.readTimeout.expired()) {
			throw new SseReadTimeoutException(timeout, null);
		}
		return reconnectAfter(null);
	}

	private void read(InputStream body) throws IOException {
		SseParser parser = SseParser.builder(this)
			.lastEventId(this.loop.lastEventId())
			.maxEventSize(this.settings.maxEventSize())
			.build();
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			for (int read = body.read(buffer); read != -1 && !this.lifecycle.isClosed(); read = body.read(buffer)) {
				watch(ReadTimeout::processing);
				parser.feed(buffer, 0, read);
				this.loop.lastEventId(parser.lastEventId());
				watch(ReadTimeout::reading);
			}
		}
		finally {
			parser.end();
			this.loop.lastEventId(parser.lastEventId());
		}
	}

	private void watch(Consumer<ReadTimeout> event) {
		if (this.readTimeout != null) {
			event.accept(this.readTimeout);
		}
	}

	private boolean reconnectAfter(@Nullable Exception error) {
		if (this.lifecycle.isClosed()) {
			return false;
		}
		Throwable reported = (error != null) ? translate(error) : null;
		boolean reconnect = this.settings.reconnect();
		if (reported != null) {
			logger.log(Level.DEBUG, () -> "SSE connection to " + this.settings.uri() + " failed: " + reported);
			if (reconnect) {
				this.listeners.onError(reported);
			}
			else {
				this.lifecycle.fail(reported);
			}
		}
		return reconnect;
	}

	private Throwable translate(Exception error) {
		Duration timeout = this.settings.readTimeout();
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
		if (!this.lifecycle.isClosed()) {
			this.listeners.onEvent(event);
		}
	}

	@Override
	public void onComment(String comment) {
		if (!this.lifecycle.isClosed()) {
			this.listeners.onComment(comment);
		}
	}

	@Override
	public void onRetry(long milliseconds) {
		this.loop.reconnectionTime(milliseconds);
	}

}
