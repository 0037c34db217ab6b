package io.github.ssekit.bench.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.bench.Payload;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The baseline: a bare servlet on the same container, async with no timeout, written with
 * the non-blocking servlet API. Broadcast encodes once and hands the bytes to a
 * per-connection queue drained while the socket accepts (at most 1,000 queued, then the
 * connection is closed); no Spring MVC on the streaming path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bench.server", havingValue = "raw")
class RawServer implements Broadcaster, DisposableBean {

	private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final AtomicInteger reported = new AtomicInteger();

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService heartbeats = Executors
		.newSingleThreadScheduledExecutor((task) -> new Thread(task, "bench-heartbeat"));

	RawServer(@Value("${bench.heartbeat:15s}") Duration heartbeat) {
		if (!heartbeat.isZero()) {
			this.heartbeats.scheduleAtFixedRate(this::sweep, heartbeat.toMillis(), heartbeat.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	@Bean
	ServletRegistrationBean<HttpServlet> rawSseServlet() {
		ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new RawServlet(),
				"/subscribe", "/idle", "/stream");
		registration.setAsyncSupported(true);
		return registration;
	}

	@Override
	public void broadcast(String data) {
		byte[] bytes = encode(data);
		for (Connection connection : this.connections) {
			connection.enqueue(bytes);
		}
	}

	@Override
	public int subscribers() {
		return this.connections.size();
	}

	@Override
	public void sweep() {
		for (Connection connection : this.connections) {
			connection.enqueue(HEARTBEAT);
		}
	}

	@Override
	public void destroy() {
		this.heartbeats.shutdownNow();
	}

	/**
	 * Why a connection ended early, for the first few: the log tells whether the baseline
	 * itself loses any.
	 */
	private static void report(String what, Throwable cause) {
		String text = String.valueOf(cause);
		if (text.contains("reset by peer") || text.contains("Broken pipe")) {
			return;
		}
		if (reported.incrementAndGet() <= 5) {
			System.err.println("raw connection closed: " + what + ((cause != null) ? ": " + cause : ""));
			if (cause != null) {
				cause.printStackTrace();
			}
		}
	}

	static byte[] encode(String data) {
		return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	private final class RawServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/event-stream");
			response.setHeader("Cache-Control", "no-cache");
			response.setHeader("X-Accel-Buffering", "no");
			AsyncContext context = request.startAsync();
			context.setTimeout(0);
			// headers out now, on the request thread and before non-blocking mode, as
			// ssekit does
			response.flushBuffer();
			ServletOutputStream out = response.getOutputStream();
			if (request.getRequestURI().endsWith("/stream")) {
				int size = intParameter(request, "size", 64);
				double seconds = Double.parseDouble(stringParameter(request, "seconds", "5"));
				boolean burst = "burst".equals(request.getParameter("mode"));
				out.setWriteListener(new SingleStream(context, out, size, seconds, burst));
				return;
			}
			Connection connection = new Connection(context, out);
			context.addListener(connection);
			out.setWriteListener(connection);
			RawServer.this.connections.add(connection);
		}

		private static int intParameter(HttpServletRequest request, String name, int fallback) {
			return Integer.parseInt(stringParameter(request, name, String.valueOf(fallback)));
		}

		private static String stringParameter(HttpServletRequest request, String name, String fallback) {
			String value = request.getParameter(name);
			return (value != null) ? value : fallback;
		}

	}

	private final class Connection implements WriteListener, AsyncListener {

		private final AsyncContext context;

		private final ServletOutputStream out;

		private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();

		private final AtomicInteger queued = new AtomicInteger();

		private final AtomicInteger wip = new AtomicInteger();

		private final AtomicBoolean closed = new AtomicBoolean();

		private boolean unflushed;

		Connection(AsyncContext context, ServletOutputStream out) {
			this.context = context;
			this.out = out;
		}

		void enqueue(byte[] bytes) {
			if (this.closed.get()) {
				return;
			}
			if (this.queued.incrementAndGet() > 1000) {
				close();
				return;
			}
			this.queue.offer(bytes);
			drain();
		}

		private void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			do {
				writeWhileReady();
				missed = this.wip.addAndGet(-missed);
			}
			while (missed != 0);
		}

		/**
		 * Writes hold the connection's lock, and so does the container's completion
		 * callback: once the container has ended the request it recycles the response,
		 * and a write from another thread after that would reach a recycled stream
		 * (Spring MVC's async response wrapper guards ssekit the same way).
		 */
		private void writeWhileReady() {
			synchronized (this) {
				if (this.closed.get()) {
					return;
				}
				writeQueued();
			}
		}

		private void writeQueued() {
			try {
				while (this.out.isReady()) {
					byte[] next = this.queue.poll();
					if (next != null) {
						this.queued.decrementAndGet();
						this.out.write(next);
						this.unflushed = true;
					}
					else if (this.unflushed) {
						this.unflushed = false;
						this.out.flush();
					}
					else {
						return;
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				report("write failed", ex);
				close();
			}
		}

		private synchronized void close() {
			if (this.closed.compareAndSet(false, true)) {
				RawServer.this.connections.remove(this);
				try {
					this.context.complete();
				}
				catch (RuntimeException ex) {
					// already completed by the container
				}
			}
		}

		@Override
		public void onWritePossible() {
			drain();
		}

		@Override
		public void onError(Throwable ex) {
			report("WriteListener.onError", ex);
			close();
		}

		@Override
		public void onComplete(AsyncEvent event) {
			synchronized (this) {
				this.closed.set(true);
			}
			RawServer.this.connections.remove(this);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			report("AsyncListener.onTimeout", null);
			close();
		}

		@Override
		public void onError(AsyncEvent event) {
			report("AsyncListener.onError", event.getThrowable());
			close();
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

	private static final class SingleStream implements WriteListener {

		private final AsyncContext context;

		private final ServletOutputStream out;

		private final int size;

		private final long end;

		private final boolean burst;

		private final byte[] buffer = new byte[16 * 1024];

		private boolean done;

		SingleStream(AsyncContext context, ServletOutputStream out, int size, double seconds, boolean burst) {
			this.context = context;
			this.out = out;
			this.size = size;
			this.end = System.nanoTime() + (long) (seconds * 1e9);
			this.burst = burst;
		}

		@Override
		public void onWritePossible() throws IOException {
			while (!this.done && this.out.isReady()) {
				long now = System.nanoTime();
				if (now >= this.end) {
					this.done = true;
					this.context.complete();
					return;
				}
				if (this.burst) {
					int length = 0;
					byte[] event;
					while (length + (event = encode(Payload.data(now, 0, this.size))).length <= this.buffer.length) {
						System.arraycopy(event, 0, this.buffer, length, event.length);
						length += event.length;
						now = System.nanoTime();
					}
					this.out.write(this.buffer, 0, length);
				}
				else {
					this.out.write(encode(Payload.data(now, 0, this.size)));
				}
				if (this.out.isReady()) {
					this.out.flush();
				}
			}
		}

		@Override
		public void onError(Throwable ex) {
			this.done = true;
			this.context.complete();
		}

	}

}
