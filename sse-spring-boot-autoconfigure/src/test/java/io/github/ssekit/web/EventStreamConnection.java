package io.github.ssekit.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test connection to an event stream over the JDK's {@link HttpClient}: it parses the
 * body with the conformance parser on a reader thread and hands events and comments over
 * through queues.
 *
 * @author ssekit
 */
final class EventStreamConnection implements AutoCloseable {

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<SseMessage> events = new LinkedBlockingQueue<>();

	private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();

	private final CountDownLatch ended = new CountDownLatch(1);

	private EventStreamConnection(HttpResponse<InputStream> response) {
		this.response = response;
		Thread reader = new Thread(this::read, "test-sse-reader");
		reader.setDaemon(true);
		reader.start();
	}

	static EventStreamConnection open(int port, String path) throws Exception {
		return open(port, path, Map.of());
	}

	static EventStreamConnection open(int port, String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Accept", "text/event-stream");
		headers.forEach(request::header);
		return new EventStreamConnection(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
	}

	static HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		headers.forEach(request::header);
		return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<InputStream> response() {
		return this.response;
	}

	SseMessage nextEvent() throws InterruptedException {
		return nextEvent(Duration.ofSeconds(10));
	}

	SseMessage nextEvent(Duration timeout) throws InterruptedException {
		SseMessage event = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(event).as("an event within %s", timeout).isNotNull();
		return event;
	}

	@Nullable SseMessage pollEvent(Duration timeout) throws InterruptedException {
		return this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Nullable String nextComment(Duration timeout) throws InterruptedException {
		return this.comments.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean awaitEnd(Duration timeout) throws InterruptedException {
		return this.ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws IOException {
		this.response.body().close();
	}

	private void read() {
		SseParser parser = new SseParser(new SseParser.Listener() {

			@Override
			public void onEvent(SseMessage event) {
				EventStreamConnection.this.events.add(event);
			}

			@Override
			public void onComment(String comment) {
				EventStreamConnection.this.comments.add(comment);
			}

		});
		byte[] buffer = new byte[8192];
		try (InputStream body = this.response.body()) {
			int read;
			while ((read = body.read(buffer)) != -1) {
				parser.feed(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// closed by the test, or the server went away
		}
		finally {
			this.ended.countDown();
		}
	}

}
