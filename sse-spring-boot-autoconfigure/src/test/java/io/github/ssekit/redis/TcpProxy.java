package io.github.ssekit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy in front of a test Redis, to cut one client off (a network partition) while
 * others keep using the server. While cut, existing connections are closed and new ones
 * refused.
 *
 * @author ssekit
 */
final class TcpProxy implements AutoCloseable {

	private final int targetPort;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ServerSocket server;

	TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.port = RedisServer.freePort();
		restore();
	}

	int port() {
		return this.port;
	}

	String uri() {
		return "redis://127.0.0.1:" + this.port;
	}

	void restore() throws IOException {
		if (this.server != null) {
			return;
		}
		ServerSocket serverSocket = new ServerSocket();
		serverSocket.setReuseAddress(true);
		serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
		this.server = serverSocket;
		Thread acceptor = new Thread(() -> accept(serverSocket), "test-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	void cut() {
		ServerSocket serverSocket = this.server;
		this.server = null;
		closeQuietly(serverSocket);
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	@Override
	public void close() {
		cut();
	}

	private void accept(ServerSocket serverSocket) {
		while (!serverSocket.isClosed()) {
			try {
				Socket client = serverSocket.accept();
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(target);
				pump(client, target);
				pump(target, client);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				this.sockets.remove(from);
				this.sockets.remove(to);
			}
		}, "test-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// ignore
			}
		}
	}

}
