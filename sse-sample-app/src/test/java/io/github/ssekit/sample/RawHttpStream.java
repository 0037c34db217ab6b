package io.github.ssekit.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 request written by hand on a plain socket, and its response read byte by
 * byte: the status line, the header lines as they arrived, and the body with chunked
 * framing removed (or as it came, when the response is close-delimited).
 *
 * @author ssekit
 */
final class RawHttpStream implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final String statusLine;

	private final List<String> headerLines;

	private final boolean chunked;

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private int chunkRemaining;

	private boolean ended;

	private RawHttpStream(Socket socket, Duration timeout) throws IOException {
		this.socket = socket;
		socket.setSoTimeout((int) timeout.toMillis());
		this.in = socket.getInputStream();
		this.statusLine = readLine();
		List<String> lines = new ArrayList<>();
		for (String line = readLine(); !line.isEmpty(); line = readLine()) {
			lines.add(line);
		}
		this.headerLines = List.copyOf(lines);
		this.chunked = header("Transfer-Encoding").map((value) -> value.equalsIgnoreCase("chunked")).orElse(false);
	}

	/**
	 * Send {@code GET path} with the given extra headers and read the response head.
	 * @param port the server's port on localhost
	 * @param path the request path
	 * @param headers extra request headers
	 * @param timeout the longest wait for any read
	 * @return the response, its head read
	 * @throws IOException on a socket error or a read timeout
	 */
	static RawHttpStream get(int port, String path, Map<String, String> headers, Duration timeout) throws IOException {
		Socket socket = new Socket("localhost", port);
		try {
			StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
				.append("Host: localhost:" + port + "\r\n")
				.append("Accept: text/event-stream\r\n");
			headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
			socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			return new RawHttpStream(socket, timeout);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	String statusLine() {
		return this.statusLine;
	}

	List<String> headerLines() {
		return this.headerLines;
	}

	/**
	 * Return the value of the only header of that name.
	 * @param name the header name, in any case
	 * @return the value, or empty if absent
	 */
	Optional<String> header(String name) {
		List<String> values = headers(name);
		if (values.size() > 1) {
			throw new AssertionError("More than one " + name + " header: " + this.headerLines);
		}
		return values.stream().findFirst();
	}

	List<String> headers(String name) {
		String prefix = name.toLowerCase(Locale.ROOT) + ":";
		return this.headerLines.stream()
			.filter((line) -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
			.map((line) -> line.substring(prefix.length()).trim())
			.toList();
	}

	boolean chunked() {
		return this.chunked;
	}

	/**
	 * Read body bytes until the body read so far satisfies the condition, and return all
	 * of it.
	 * @param condition the condition on the body so far, as UTF-8 text
	 * @return the body so far
	 * @throws IOException on a socket error, a read timeout, or the end of the body
	 * before the condition held
	 */
	String readUntil(Predicate<String> condition) throws IOException {
		while (!condition.test(bodyText())) {
			if (!readBodyByte()) {
				throw new IOException("Body ended before the expected content; got: " + bodyText());
			}
		}
		return bodyText();
	}

	/**
	 * Read the rest of the body, until the server ends it.
	 * @return the whole body
	 * @throws IOException on a socket error or a read timeout
	 */
	String readToEnd() throws IOException {
		while (readBodyByte()) {
			// keep reading
		}
		return bodyText();
	}

	/**
	 * Return the body bytes read so far.
	 * @return the body bytes
	 */
	byte[] bodyBytes() {
		return this.body.toByteArray();
	}

	String bodyText() {
		return this.body.toString(StandardCharsets.UTF_8);
	}

	boolean ended() {
		return this.ended;
	}

	private boolean readBodyByte() throws IOException {
		if (this.ended) {
			return false;
		}
		if (this.chunked && this.chunkRemaining == 0) {
			String size = readLine();
			if (size.isEmpty()) {
				size = readLine();
			}
			this.chunkRemaining = Integer.parseInt(size.split(";")[0].trim(), 16);
			if (this.chunkRemaining == 0) {
				this.ended = true;
				return false;
			}
		}
		int next = this.in.read();
		if (next < 0) {
			this.ended = true;
			return false;
		}
		this.body.write(next);
		if (this.chunked) {
			this.chunkRemaining--;
		}
		return true;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.in.read();
			if (next < 0) {
				throw new IOException("Connection closed in the middle of a line: " + line);
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
			}
			line.write(next);
			previous = next;
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
