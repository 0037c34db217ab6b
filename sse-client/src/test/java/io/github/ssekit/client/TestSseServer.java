package io.github.ssekit.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny HTTP/1.1 server on a raw socket, for tests: each connection is handled by a
 * script that sees the request and writes raw bytes. A response without
 * {@code Content-Length} ends when the server closes the connection;
 * {@link Exchange#abort()} resets it instead.
 */
final class TestSseServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Handler handler;

	private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private volatile boolean closed;

	private TestSseServer(Handler handler) throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.handler = handler;
		Thread acceptor = new Thread(this::accept, "test-sse-server");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static TestSseServer start(Handler handler) throws IOException {
		return new TestSseServer(handler);
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort() + path);
	}

	int port() {
		return this.serverSocket.getLocalPort();
	}

	List<Exchange> exchanges() {
		return List.copyOf(this.exchanges);
	}

	Exchange awaitExchange(int index) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.exchanges.size() <= index && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.exchanges).as("connections received").hasSizeGreaterThan(index);
		return this.exchanges.get(index);
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket socket = this.serverSocket.accept();
				this.sockets.add(socket);
				int index = this.connections.getAndIncrement();
				Thread thread = new Thread(() -> handle(socket, index), "test-sse-connection-" + index);
				thread.setDaemon(true);
				thread.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void handle(Socket socket, int index) {
		try (socket) {
			Exchange exchange = Exchange.read(socket, index);
			if (exchange == null) {
				return;
			}
			this.exchanges.add(exchange);
			try {
				this.handler.handle(exchange);
			}
			finally {
				exchange.closedNanos = System.nanoTime();
			}
		}
		catch (Exception ex) {
			// the client went away
		}
	}

	/**
	 * Handles one connection.
	 */
	@FunctionalInterface
	interface Handler {

		void handle(Exchange exchange) throws Exception;

	}

	/**
	 * One request and its response.
	 */
	static final class Exchange {

		final int index;

		final String method;

		final String path;

		final Map<String, String> headers;

		final String body;

		final long receivedNanos = System.nanoTime();

		volatile long closedNanos;

		private final Socket socket;

		private final CountDownLatch clientGone = new CountDownLatch(1);

		private Exchange(Socket socket, int index, String requestLine, Map<String, String> headers, String body) {
			this.socket = socket;
			this.index = index;
			String[] parts = requestLine.split(" ");
			this.method = parts[0];
			this.path = parts[1];
			this.headers = headers;
			this.body = body;
		}

		static @Nullable Exchange read(Socket socket, int index) throws IOException {
			InputStream in = socket.getInputStream();
			String requestLine = readLine(in);
			if (requestLine == null || requestLine.isEmpty()) {
				return null;
			}
			Map<String, String> headers = new LinkedHashMap<>();
			for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
				int colon = line.indexOf(':');
				headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
			int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
			String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
			return new Exchange(socket, index, requestLine, headers, body);
		}

		private static @Nullable String readLine(InputStream in) throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int c = in.read(); c != -1; c = in.read()) {
				if (c == '\n') {
					return line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
				}
				line.write(c);
			}
			return null;
		}

		@Nullable String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		Exchange respond(int status, String... headerLines) throws IOException {
			StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Status\r\nConnection: close\r\n");
			for (String line : headerLines) {
				head.append(line).append("\r\n");
			}
			if (status == 204 || status == 304) {
				head.append("Content-Length: 0\r\n");
			}
			return write(head.append("\r\n").toString());
		}

		Exchange eventStream() throws IOException {
			return respond(200, "Content-Type: text/event-stream");
		}

		Exchange write(String text) throws IOException {
			return write(text.getBytes(StandardCharsets.UTF_8));
		}

		Exchange write(byte[] bytes) throws IOException {
			OutputStream out = this.socket.getOutputStream();
			out.write(bytes);
			out.flush();
			return this;
		}

		Exchange pause(long millis) throws InterruptedException {
			Thread.sleep(millis);
			return this;
		}

		void abort() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

		/**
		 * Keeps the connection open until the client closes it (or a timeout).
		 * @return whether the client closed the connection in time
		 */
		boolean holdUntilClientCloses(Duration timeout) throws IOException {
			this.socket.setSoTimeout((int) timeout.toMillis());
			try {
				boolean gone = this.socket.getInputStream().read(new byte[256]) == -1;
				if (gone) {
					this.clientGone.countDown();
				}
				return gone;
			}
			catch (IOException ex) {
				boolean gone = !(ex instanceof java.net.SocketTimeoutException);
				if (gone) {
					this.clientGone.countDown();
				}
				return gone;
			}
		}

		boolean awaitClientGone(Duration timeout) throws InterruptedException {
			return this.clientGone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

		long millisSince(Exchange previous) {
			return TimeUnit.NANOSECONDS.toMillis(this.receivedNanos - previous.closedNanos);
		}

	}

	static List<Long> reconnectionDelays(List<Exchange> exchanges) {
		List<Long> delays = new ArrayList<>();
		for (int i = 1; i < exchanges.size(); i++) {
			delays.add(exchanges.get(i).millisSince(exchanges.get(i - 1)));
		}
		return delays;
	}

}
