package io.github.ssekit.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SseStream} implementation: a bounded, lock-free outbound queue of encoded
 * events, drained by whichever thread finds work (a publisher, the heartbeat scheduler or
 * the container's write-possible callback) while the transport accepts writes. No thread
 * ever waits on the client's socket.
 *
 * @author ssekit
 */
public final class DefaultSseStream implements SseStream {

	private static final Log logger = LogFactory.getLog(DefaultSseStream.class);

	private static final int COALESCE_LIMIT = 16 * 1024;

	private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

	private enum State {

		OPEN, CLOSING, CLOSED

	}

	private final SseStreamRegistry registry;

	private final StreamOptions options;

	private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queuedEvents = new AtomicInteger();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

	private final AtomicReference<@Nullable CloseReason> deferredClose = new AtomicReference<>();

	private final ReentrantLock callbackLock = new ReentrantLock();

	private @Nullable List<Runnable> closeCallbacks;

	private volatile @Nullable SseTransport transport;

	private volatile @Nullable CloseReason closeReason;

	private final long openedAt;

	private volatile long lastEnqueuedAt;

	private volatile long stalledSince;

	private boolean unflushed;

	private boolean finished;

	DefaultSseStream(SseStreamRegistry registry, StreamOptions options) {
		this.registry = registry;
		this.options = options;
		this.openedAt = System.nanoTime();
		this.lastEnqueuedAt = this.openedAt;
		if (options.retry() != null) {
			enqueue(SseEvent.builder().retry(options.retry()).build().encoded(), false);
		}
	}

	@Override
	public void publish(SseEvent event) {
		enqueue(event.encoded(), true);
	}

	/**
	 * Queue an event without writing it, for a caller that fans one event out to many
	 * streams while holding a lock: it calls {@link #drain()} for each stream after
	 * releasing the lock. The event's encoded bytes are shared, not copied. When the
	 * queue overflows under {@link OverflowPolicy#DISCONNECT} the stream is evicted, and
	 * its close callbacks run on the next {@link #drain()}, never inside this call.
	 * @param event the event
	 * @return {@code true} if the event was queued, {@code false} if the stream is
	 * closed or was evicted by this call
	 */
	public boolean offer(SseEvent event) {
		return enqueue(event.encoded(), true, true);
	}

	@Override
	public void publish(@Nullable String event, Object data) {
		SseEvent.Builder builder = SseEvent.builder().event(event).data(serialize(data));
		publish(builder.build());
	}

	@Override
	public void comment(String comment) {
		publish(SseEvent.builder().comment(comment).build());
	}

	@Override
	public boolean isOpen() {
		return this.state.get() == State.OPEN;
	}

	@Override
	public void onClose(Runnable callback) {
		this.callbackLock.lock();
		try {
			if (this.closeReason == null) {
				if (this.closeCallbacks == null) {
					this.closeCallbacks = new ArrayList<>(2);
				}
				this.closeCallbacks.add(callback);
				return;
			}
		}
		finally {
			this.callbackLock.unlock();
		}
		runCallback(callback);
	}

	@Override
	public void close() {
		close(CloseReason.APPLICATION);
	}

	/**
	 * Return why the stream closed.
	 * @return the reason, or {@code null} while the stream is open
	 */
	public @Nullable CloseReason closeReason() {
		return this.closeReason;
	}

	/**
	 * Return how many events (and comments) wait to be written.
	 * @return the queue length
	 */
	public int queuedEvents() {
		return this.queuedEvents.get();
	}

	/**
	 * Close gracefully: what was published is still written, then the response ends.
	 * @param reason why
	 */
	void close(CloseReason reason) {
		if (this.state.compareAndSet(State.OPEN, State.CLOSING)) {
			closed(reason);
			drain();
		}
	}

	/**
	 * Close at once, discarding what was not written: the client is gone or too slow.
	 * @param reason why
	 * @param cause the failure, if any, for the debug log
	 */
	void abort(CloseReason reason, @Nullable Throwable cause) {
		State previous = this.state.getAndSet(State.CLOSED);
		if (previous == State.CLOSED) {
			return;
		}
		if (previous == State.OPEN) {
			closed(reason);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("SSE stream closed (" + reason + ")" + ((cause != null) ? ": " + cause : ""));
		}
		drain();
	}

	void bind(SseTransport transport) {
		if (this.transport != null) {
			throw new IllegalStateException("SseStream was already returned from a handler");
		}
		this.transport = transport;
		drain();
	}

	boolean isBound() {
		return this.transport != null;
	}

	void heartbeat(long now, long intervalNanos) {
		if (intervalNanos > 0 && this.state.get() == State.OPEN && this.transport != null
				&& now - this.lastEnqueuedAt >= intervalNanos) {
			try {
				enqueue(HEARTBEAT, false);
			}
			catch (SseStreamClosedException ex) {
				// closed concurrently or evicted for overflow: nothing more to do
			}
		}
	}

	boolean isStalledLongerThan(long now, long timeoutNanos) {
		long since = this.stalledSince;
		return since != 0 && now - since >= timeoutNanos;
	}

	boolean isOlderThan(long now, long lifetimeNanos) {
		return now - this.openedAt >= lifetimeNanos;
	}

	/**
	 * Write queued bytes while the transport accepts them, never waiting for the client.
	 * Safe to call from any thread; only one thread writes at a time, and a call made
	 * while another thread writes makes that thread look again before it stops. Also runs
	 * the close callbacks of a stream that {@link #offer(SseEvent)} evicted.
	 */
	public void drain() {
		CloseReason deferred = this.deferredClose.getAndSet(null);
		if (deferred != null) {
			closed(deferred);
			if (logger.isDebugEnabled()) {
				logger.debug("SSE stream closed (" + deferred + ")");
			}
		}
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

	private void enqueue(byte[] bytes, boolean event) {
		if (!enqueue(bytes, event, false)) {
			throw closedException();
		}
		drain();
	}

	private boolean enqueue(byte[] bytes, boolean event, boolean deferClose) {
		if (this.state.get() != State.OPEN) {
			return false;
		}
		int events = this.queuedEvents.incrementAndGet();
		long size = this.queuedBytes.addAndGet(bytes.length);
		if (events > this.options.maxQueuedEvents() || size > this.options.maxQueuedBytes()) {
			if (this.options.overflowPolicy() != OverflowPolicy.DROP_OLDEST) {
				this.queuedEvents.decrementAndGet();
				this.queuedBytes.addAndGet(-bytes.length);
				overflowed(deferClose);
				return false;
			}
			this.queue.offer(bytes);
			dropOldest();
		}
		else {
			this.queue.offer(bytes);
		}
		this.lastEnqueuedAt = System.nanoTime();
		if (event) {
			this.registry.observer().eventPublished();
		}
		if (this.state.get() == State.CLOSED && this.queue.remove(bytes)) {
			this.queuedEvents.decrementAndGet();
			this.queuedBytes.addAndGet(-bytes.length);
			return false;
		}
		return true;
	}

	private void overflowed(boolean deferClose) {
		if (!deferClose) {
			abort(CloseReason.QUEUE_OVERFLOW, null);
		}
		else if (this.state.getAndSet(State.CLOSED) == State.OPEN) {
			this.deferredClose.set(CloseReason.QUEUE_OVERFLOW);
		}
	}

	private void dropOldest() {
		int dropped = 0;
		while (this.queuedEvents.get() > this.options.maxQueuedEvents()
				|| this.queuedBytes.get() > this.options.maxQueuedBytes()) {
			byte[] oldest = this.queue.poll();
			if (oldest == null) {
				break;
			}
			this.queuedEvents.decrementAndGet();
			this.queuedBytes.addAndGet(-oldest.length);
			dropped++;
		}
		if (dropped > 0) {
			this.registry.observer().dropped(dropped);
		}
	}

	private void writeWhileReady() {
		if (this.state.get() == State.CLOSED) {
			finish();
			return;
		}
		SseTransport transport = this.transport;
		if (transport == null) {
			return;
		}
		try {
			while (transport.isReady()) {
				byte[] batch = nextBatch();
				if (batch != null) {
					transport.write(batch);
					this.unflushed = true;
					continue;
				}
				if (this.unflushed) {
					this.unflushed = false;
					transport.flush();
					continue;
				}
				this.stalledSince = 0;
				if (this.queue.isEmpty() && this.state.compareAndSet(State.CLOSING, State.CLOSED)) {
					finish();
				}
				return;
			}
			if (this.stalledSince == 0) {
				this.stalledSince = System.nanoTime();
			}
		}
		catch (IOException | RuntimeException ex) {
			abort(CloseReason.CLIENT_GONE, ex);
		}
	}

	private byte @Nullable [] nextBatch() {
		byte[] first = this.queue.poll();
		if (first == null) {
			return null;
		}
		this.stalledSince = 0;
		byte[] second = (first.length < COALESCE_LIMIT) ? this.queue.poll() : null;
		if (second == null) {
			accountWritten(1, first.length);
			return first;
		}
		List<byte[]> parts = new ArrayList<>();
		parts.add(first);
		parts.add(second);
		int total = first.length + second.length;
		while (total < COALESCE_LIMIT) {
			byte[] next = this.queue.poll();
			if (next == null) {
				break;
			}
			parts.add(next);
			total += next.length;
		}
		byte[] batch = new byte[total];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, batch, offset, part.length);
			offset += part.length;
		}
		accountWritten(parts.size(), total);
		return batch;
	}

	private void accountWritten(int events, long bytes) {
		this.queuedEvents.addAndGet(-events);
		this.queuedBytes.addAndGet(-bytes);
		this.registry.observer().written(events, bytes);
	}

	private void discardQueue() {
		int discarded = 0;
		byte[] bytes;
		while ((bytes = this.queue.poll()) != null) {
			this.queuedEvents.decrementAndGet();
			this.queuedBytes.addAndGet(-bytes.length);
			discarded++;
		}
		if (discarded > 0) {
			this.registry.observer().dropped(discarded);
		}
	}

	private void finish() {
		discardQueue();
		this.registry.unregister(this);
		SseTransport transport = this.transport;
		if (transport != null && !this.finished) {
			this.finished = true;
			transport.complete();
		}
	}

	private void closed(CloseReason reason) {
		List<Runnable> callbacks;
		this.callbackLock.lock();
		try {
			this.closeReason = reason;
			callbacks = this.closeCallbacks;
			this.closeCallbacks = null;
		}
		finally {
			this.callbackLock.unlock();
		}
		this.registry.observer().streamClosed(reason);
		if (callbacks != null) {
			callbacks.forEach(DefaultSseStream::runCallback);
		}
	}

	private SseStreamClosedException closedException() {
		CloseReason reason = this.closeReason;
		return new SseStreamClosedException("SSE stream is closed" + ((reason != null) ? " (" + reason + ")" : ""));
	}

	private String serialize(Object data) {
		if (data instanceof CharSequence text) {
			return text.toString();
		}
		if (this.options.dataSerializer() == null) {
			throw new IllegalStateException("Cannot publish " + data.getClass().getName()
					+ " as SSE data: no SseDataSerializer (add Jackson, or publish a String)");
		}
		return this.options.dataSerializer().serialize(data);
	}

	private static void runCallback(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.error("SSE onClose callback failed", ex);
		}
	}

}
