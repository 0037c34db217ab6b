package io.github.ssekit.sample;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} of its own for a test, on a free port, without persistence;
 * skipped with a message when none is on the path, failed under {@code CI=true}.
 *
 * @author ssekit
 */
final class RedisProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private RedisProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Start a server, or skip the calling test when there is no {@code redis-server}.
	 * @return the running server
	 * @throws Exception if it does not start
	 */
	static RedisProcess start() throws Exception {
		Path binary = find();
		ExternalTools.require(binary != null, "redis-server not found on the PATH (install Debian's 'redis-server')");
		int port = freePort();
		Process process = new ProcessBuilder(String.valueOf(binary), "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		RedisProcess redis = new RedisProcess(process, port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!redis.answersPing()) {
			if (System.nanoTime() > deadline || !process.isAlive()) {
				redis.close();
				throw new IllegalStateException("redis-server did not start on port " + port);
			}
			Thread.sleep(20);
		}
		return redis;
	}

	int port() {
		return this.port;
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			socket.setSoTimeout(1000);
			OutputStream output = socket.getOutputStream();
			output.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			output.flush();
			InputStream input = socket.getInputStream();
			byte[] reply = input.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (Exception ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static @Nullable Path find() {
		String path = System.getenv("PATH");
		for (String directory : ((path != null) ? path : "/usr/bin:/usr/local/bin").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
