package io.github.ssekit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.util.FileSystemUtils;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A real {@code redis-server} for tests, on a free port, without persistence
 * ({@code --save "" --appendonly no}), stopped after the test class. It can be stopped
 * and restarted on the same port, keeping its data ({@code SHUTDOWN SAVE} writes a
 * snapshot that the restarted server loads) or losing it.
 * <p>
 * When no {@code redis-server} binary is on the path the test class is skipped with a
 * message, unless the environment variable {@code CI} is {@code true}: then it fails.
 *
 * @author ssekit
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private @Nullable Process process;

	private @Nullable Path directory;

	private int port;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		requireBinary();
		this.directory = Files.createTempDirectory("sse-redis-test");
		this.port = freePort();
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		stop(false);
		if (this.directory != null) {
			FileSystemUtils.deleteRecursively(this.directory);
		}
	}

	/**
	 * Fail or skip, as described on the class, when there is no {@code redis-server}.
	 */
	public static void requireBinary() {
		if (binary() != null) {
			return;
		}
		String message = "redis-server not found on PATH: Redis tests skipped (install it, e.g. apt-get install redis-server)";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			fail(message + " -- failing because CI=true");
		}
		System.err.println("WARNING: " + message);
		abort(message);
	}

	private static @Nullable String binary() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	/**
	 * Return the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the Redis URI of the server.
	 * @return the URI
	 */
	public String uri() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Start the server on its port, and wait until it answers {@code PING}.
	 * @throws Exception if it does not start
	 */
	public void start() throws Exception {
		Path dir = this.directory;
		if (dir == null) {
			throw new IllegalStateException("Not initialised");
		}
		ProcessBuilder builder = new ProcessBuilder(List.of(binary() != null ? binary() : "redis-server", "--port",
				Integer.toString(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
				dir.toString(), "--dbfilename", "dump.rdb"));
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
		this.process = builder.start();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (true) {
			try {
				if ("+PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (!this.process.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"redis-server did not start on port " + this.port + ", see " + dir.resolve("redis.log"));
			}
			Thread.sleep(20);
		}
	}

	/**
	 * Stop the server.
	 * @param save whether to write a snapshot that a restart loads
	 * ({@code SHUTDOWN SAVE}) or lose the data ({@code SHUTDOWN NOSAVE})
	 * @throws Exception if it does not stop
	 */
	public void stop(boolean save) throws Exception {
		Process current = this.process;
		if (current == null) {
			return;
		}
		this.process = null;
		if (!save && this.directory != null) {
			Files.deleteIfExists(this.directory.resolve("dump.rdb"));
		}
		try {
			command(save ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE");
		}
		catch (IOException ex) {
			// the connection closes as the server exits
		}
		if (!current.waitFor(10, TimeUnit.SECONDS)) {
			current.destroyForcibly();
			current.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Send one inline command and return the first line of the reply.
	 * @param command the command
	 * @return the reply line
	 * @throws IOException on connection failure
	 */
	public String command(String command) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}
	}

}
