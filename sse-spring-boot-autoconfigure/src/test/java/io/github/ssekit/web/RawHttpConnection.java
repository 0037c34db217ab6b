package io.github.ssekit.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain socket speaking just enough HTTP/1.1 to see the bytes a server sends: the
 * status line and headers as they arrive, and an abrupt close.
 *
 * @author ssekit
 */
final class RawHttpConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream input;

	private String statusLine = "";

	private final Map<String, String> headers = new LinkedHashMap<>();

	private RawHttpConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.input = socket.getInputStream();
	}

	static RawHttpConnection get(int port, String path, String... extraHeaders) throws IOException {
		return get(new Socket("localhost", port), port, path, extraHeaders);
	}

	/**
	 * Connect with a small receive buffer, so that a client that stops reading stalls the
	 * server's writes quickly.
	 * @param port the server port
	 * @param receiveBufferSize the socket receive buffer size
	 * @param path the request path
	 * @param extraHeaders request header lines
	 * @return the connection
	 * @throws IOException on failure
	 */
	static RawHttpConnection getWithReceiveBuffer(int port, int receiveBufferSize, String path, String... extraHeaders)
			throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(receiveBufferSize);
		socket.connect(new java.net.InetSocketAddress("localhost", port), 5000);
		return get(socket, port, path, extraHeaders);
	}

	private static RawHttpConnection get(Socket socket, int port, String path, String... extraHeaders)
			throws IOException {
		socket.setSoTimeout(5000);
		StringBuilder request = new StringBuilder(
				"GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAccept: text/event-stream\r\n");
		for (String header : extraHeaders) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		return new RawHttpConnection(socket);
	}

	/**
	 * Read the status line and headers, failing if they do not arrive within the socket
	 * timeout.
	 * @return this connection
	 * @throws IOException on a read failure or timeout
	 */
	RawHttpConnection readHead() throws IOException {
		this.statusLine = readLine();
		String line;
		while (!(line = readLine()).isEmpty()) {
			int colon = line.indexOf(':');
			this.headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
					line.substring(colon + 1).trim());
		}
		return this;
	}

	String statusLine() {
		return this.statusLine;
	}

	Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * Read one chunk of a chunked body. The CRLF that ends a chunk's data is read with
	 * the next chunk, since some containers send it only then.
	 * @return the chunk's bytes as UTF-8 text
	 * @throws IOException on a read failure or timeout
	 */
	String readChunk() throws IOException {
		String sizeLine = readLine();
		if (sizeLine.isEmpty()) {
			sizeLine = readLine();
		}
		int size = Integer.parseInt(sizeLine.trim(), 16);
		return new String(this.input.readNBytes(size), StandardCharsets.UTF_8);
	}

	void setTimeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	/**
	 * Close at once with a TCP reset, as a crashed client or a dropped network would.
	 * @throws IOException on failure
	 */
	void abort() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	/**
	 * Close the connection as a client that has read everything does: a FIN, not the
	 * reset that unread bytes would cause.
	 */
	void closeAfterReading() throws IOException {
		while (this.input.available() > 0) {
			this.input.skip(this.input.available());
		}
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.input.read()) != -1 && b != '\n') {
			if (b != '\r') {
				line.write(b);
			}
		}
		if (b == -1 && line.size() == 0) {
			throw new IOException("Connection closed");
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

}
