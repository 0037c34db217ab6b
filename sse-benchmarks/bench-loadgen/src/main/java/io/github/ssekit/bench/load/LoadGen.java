package io.github.ssekit.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.HdrHistogram.Histogram;

/**
 * A non-blocking SSE load generator: one selector thread holds many HTTP/1.1 connections,
 * decodes chunked bodies, parses events and records, per scenario step, how many events
 * arrived and their latency (receive time minus the publish time carried in the event,
 * both {@link System#nanoTime()}) in an HdrHistogram. Some connections may be "stalled":
 * a tiny receive buffer and never read. Driven by the runner through stdin/stdout lines.
 */
public final class LoadGen {

	private static final int MAX_STEPS = 256;

	private static final int DATA = 1;

	private static final int COMMENT = 2;

	private static final int OTHER = 3;

	private final InetSocketAddress address;

	private final byte[] request;

	private final int connections;

	private final int stalled;

	private final int stalledReceiveBuffer;

	private final int rampPerSecond;

	private final Selector selector;

	private final Queue<String> commands = new ConcurrentLinkedQueue<>();

	private final List<Conn> conns = new ArrayList<>();

	private final long[] delivered = new long[MAX_STEPS];

	private final Histogram[] histograms = new Histogram[MAX_STEPS];

	private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);

	private final PrintStream out = System.out;

	private int opened;

	private int connected;

	private int withHeaders;

	private int closed;

	private int failed;

	private long events;

	private int errors;

	private int eofs;

	private long comments;

	private long bytes;

	private long firstEventNanos;

	private long lastEventNanos;

	private boolean readyReported;

	private volatile boolean running = true;

	LoadGen(String host, int port, String path, int connections, int stalled, int stalledReceiveBuffer,
			int rampPerSecond) throws IOException {
		this.address = new InetSocketAddress(host, port);
		this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
				+ "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		this.connections = connections;
		this.stalled = stalled;
		this.stalledReceiveBuffer = stalledReceiveBuffer;
		this.rampPerSecond = rampPerSecond;
		this.selector = Selector.open();
	}

	/**
	 * Run a load generator. Arguments:
	 * {@code host port path connections [stalled] [stalledReceiveBuffer]
	 * [rampPerSecond]}.
	 * @param args the arguments
	 * @throws Exception on failure to start
	 */
	public static void main(String[] args) throws Exception {
		LoadGen loadGen = new LoadGen(args[0], Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]),
				(args.length > 4) ? Integer.parseInt(args[4]) : 0, (args.length > 5) ? Integer.parseInt(args[5]) : 4096,
				(args.length > 6) ? Integer.parseInt(args[6]) : 4000);
		Thread stdin = new Thread(loadGen::readCommands, "stdin");
		stdin.setDaemon(true);
		stdin.start();
		loadGen.run();
	}

	private void readCommands() {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.commands.add(line.trim());
				this.selector.wakeup();
			}
		}
		catch (IOException ex) {
			// runner gone
		}
		this.commands.add("quit");
		this.selector.wakeup();
	}

	private void run() throws IOException {
		long start = System.nanoTime();
		while (this.running) {
			openDue(start);
			this.selector.select(5);
			long now = System.nanoTime();
			Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
			while (keys.hasNext()) {
				SelectionKey key = keys.next();
				keys.remove();
				Conn conn = (Conn) key.attachment();
				try {
					if (key.isConnectable()) {
						finishConnect(conn, key);
					}
					else if (key.isReadable()) {
						read(conn, now);
					}
				}
				catch (IOException | RuntimeException ex) {
					if (this.errors++ < 5) {
						System.err.println("connection " + conn.index + " failed: " + ex);
					}
					close(conn, true);
				}
			}
			if (!this.readyReported && this.opened == this.connections
					&& this.connected + this.failed == this.connections) {
				this.readyReported = true;
				println("ready connected=" + this.connected + " failed=" + this.failed);
			}
			String command;
			while ((command = this.commands.poll()) != null) {
				execute(command);
			}
		}
	}

	private void openDue(long start) {
		long due = Math.min(this.connections, 200 + (System.nanoTime() - start) * this.rampPerSecond / 1_000_000_000L);
		while (this.opened < due) {
			int index = this.opened++;
			Conn conn = new Conn(index, index < this.stalled);
			try {
				SocketChannel channel = SocketChannel.open();
				conn.channel = channel;
				channel.configureBlocking(false);
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
				if (conn.stalled) {
					channel.setOption(StandardSocketOptions.SO_RCVBUF, this.stalledReceiveBuffer);
				}
				this.conns.add(conn);
				if (channel.connect(this.address)) {
					finishConnect(conn, channel.register(this.selector, 0, conn));
				}
				else {
					channel.register(this.selector, SelectionKey.OP_CONNECT, conn);
				}
			}
			catch (IOException ex) {
				this.failed++;
				conn.closed = true;
			}
		}
	}

	private void finishConnect(Conn conn, SelectionKey key) throws IOException {
		if (!conn.channel.finishConnect()) {
			return;
		}
		this.connected++;
		ByteBuffer request = ByteBuffer.wrap(this.request);
		while (request.hasRemaining()) {
			conn.channel.write(request);
		}
		key.interestOps(conn.stalled ? 0 : SelectionKey.OP_READ);
	}

	private void read(Conn conn, long now) throws IOException {
		ByteBuffer buffer = this.readBuffer;
		for (int round = 0; round < 4; round++) {
			buffer.clear();
			int n = conn.channel.read(buffer);
			if (n < 0) {
				if (this.eofs++ < 5) {
					System.err.println("connection " + conn.index + " closed by the server after " + conn.bytes
							+ " bytes, headers " + conn.headersDone);
				}
				close(conn, false);
				return;
			}
			if (n == 0) {
				return;
			}
			this.bytes += n;
			conn.bytes += n;
			byte[] array = buffer.array();
			int offset = 0;
			if (!conn.headersDone) {
				offset = headers(conn, array, n);
				if (!conn.headersDone) {
					continue;
				}
			}
			if (conn.chunked) {
				dechunk(conn, array, offset, n, now);
			}
			else {
				parse(conn, array, offset, n, now);
			}
			if (n < buffer.capacity()) {
				return;
			}
		}
	}

	private int headers(Conn conn, byte[] array, int length) {
		for (int i = 0; i < length; i++) {
			byte b = array[i];
			conn.header.append((char) b);
			if (b == '\n' && conn.header.length() >= 4 && conn.header.charAt(conn.header.length() - 3) == '\n') {
				String text = conn.header.toString().toLowerCase(Locale.ROOT);
				conn.chunked = text.contains("transfer-encoding: chunked");
				conn.headersDone = true;
				conn.header = null;
				if (text.startsWith("http/1.1 200")) {
					this.withHeaders++;
				}
				return i + 1;
			}
		}
		return length;
	}

	private void dechunk(Conn conn, byte[] array, int from, int to, long now) throws IOException {
		int i = from;
		while (i < to) {
			switch (conn.chunkState) {
				case 0 -> {
					byte b = array[i++];
					int digit = Character.digit(b, 16);
					if (digit >= 0) {
						conn.chunkRemaining = conn.chunkRemaining * 16 + digit;
					}
					else if (b == '\n') {
						if (conn.chunkRemaining == 0) {
							close(conn, false);
							return;
						}
						conn.chunkState = 1;
					}
				}
				case 1 -> {
					int n = (int) Math.min(conn.chunkRemaining, to - i);
					parse(conn, array, i, i + n, now);
					i += n;
					conn.chunkRemaining -= n;
					if (conn.chunkRemaining == 0) {
						conn.chunkState = 2;
					}
				}
				default -> {
					if (array[i++] == '\n') {
						conn.chunkState = 0;
					}
				}
			}
		}
	}

	private void parse(Conn conn, byte[] array, int from, int to, long now) {
		int column = conn.column;
		int kind = conn.kind;
		for (int i = from; i < to; i++) {
			byte b = array[i];
			if (b == '\n') {
				if (column == 0) {
					dispatch(conn, now);
				}
				column = 0;
				continue;
			}
			if (b == '\r') {
				continue;
			}
			if (column == 0) {
				if (b == 'd') {
					kind = conn.hasData ? OTHER : DATA;
					conn.hasData = true;
				}
				else if (b == ':') {
					kind = COMMENT;
					conn.hasComment = true;
				}
				else {
					kind = OTHER;
				}
			}
			column++;
			if (kind == DATA && column > 5) {
				if (b >= '0' && b <= '9') {
					if (conn.numberState <= 1) {
						conn.numberState = 1;
						conn.publishNanos = conn.publishNanos * 10 + (b - '0');
					}
					else if (conn.numberState <= 3) {
						conn.numberState = 3;
						conn.step = conn.step * 10 + (b - '0');
					}
				}
				else if (b == ' ') {
					if (conn.numberState == 1 || conn.numberState == 3) {
						conn.numberState++;
					}
				}
				else {
					conn.numberState = 5;
				}
			}
		}
		conn.column = column;
		conn.kind = kind;
	}

	private void dispatch(Conn conn, long now) {
		if (conn.hasData) {
			this.events++;
			if (this.firstEventNanos == 0) {
				this.firstEventNanos = now;
			}
			this.lastEventNanos = now;
			int step = (conn.step >= 0 && conn.step < MAX_STEPS) ? conn.step : 0;
			this.delivered[step]++;
			if (conn.numberState >= 1 && conn.publishNanos > 0) {
				Histogram histogram = this.histograms[step];
				if (histogram == null) {
					histogram = new Histogram(3_600_000_000L, 3);
					this.histograms[step] = histogram;
				}
				histogram.recordValue(Math.max(0, (now - conn.publishNanos) / 1000));
			}
		}
		else if (conn.hasComment) {
			this.comments++;
		}
		conn.hasData = false;
		conn.hasComment = false;
		conn.numberState = 0;
		conn.publishNanos = 0;
		conn.step = 0;
	}

	private void close(Conn conn, boolean error) {
		if (conn.closed) {
			return;
		}
		conn.closed = true;
		this.closed++;
		try {
			conn.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException | RuntimeException ex) {
			// already closed
		}
		try {
			conn.channel.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

	private void execute(String command) {
		String[] parts = command.split(" ");
		switch (parts[0]) {
			case "status" -> println("status opened=" + this.opened + " connected=" + this.connected + " headers="
					+ this.withHeaders + " closed=" + this.closed + " failed=" + this.failed + " events=" + this.events
					+ " comments=" + this.comments + " bytes=" + this.bytes + " firstEventNanos=" + this.firstEventNanos
					+ " lastEventNanos=" + this.lastEventNanos + " stalledClosed=" + stalledClosed());
			case "report" -> {
				int step = Integer.parseInt(parts[1]);
				Histogram histogram = this.histograms[step];
				String encoded = "-";
				if (histogram != null) {
					ByteBuffer target = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
					histogram.encodeIntoCompressedByteBuffer(target);
					target.flip();
					byte[] data = new byte[target.remaining()];
					target.get(data);
					encoded = Base64.getEncoder().encodeToString(data);
				}
				println("report step=" + step + " delivered=" + this.delivered[step] + " hist=" + encoded);
			}
			case "quit" -> {
				for (Conn conn : this.conns) {
					close(conn, false);
				}
				println("bye");
				this.running = false;
			}
			default -> println("error unknown command " + command);
		}
	}

	private int stalledClosed() {
		int count = 0;
		for (Conn conn : this.conns) {
			if (conn.stalled && conn.closed) {
				count++;
			}
		}
		return count;
	}

	private void println(String line) {
		this.out.println(line);
		this.out.flush();
	}

	private static final class Conn {

		final int index;

		final boolean stalled;

		long bytes;

		SocketChannel channel;

		boolean closed;

		StringBuilder header = new StringBuilder(256);

		boolean headersDone;

		boolean chunked;

		int chunkState;

		long chunkRemaining;

		int column;

		int kind;

		boolean hasData;

		boolean hasComment;

		int numberState;

		long publishNanos;

		int step;

		Conn(int index, boolean stalled) {
			this.index = index;
			this.stalled = stalled;
		}

	}

}
