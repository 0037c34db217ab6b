package io.github.ssekit.stream;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link SseStream} implementation: a bounded, lock-free outbound queue of encoded
 * events, drained by whichever thread finds work (a publisher, the heartbeat scheduler or
 * the container's write-possible callback) while the transport accepts writes. No thread
 * ever waits on the client's socket, except a stream's own producer, which parks while
 * the queue is full (see {@link #pacedBy(Thread)}) and is unparked when the writer has
 * made room.
 *
 * @author ssekit
 */
public final class DefaultSseStream implements FanOutStream {

	private static final Log logger = LogFactory.getLog(DefaultSseStream.class);

	private static final int COALESCE_LIMIT = 16 * 1024;

	private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

	/** Marks {@link #closeCallbacks} once the callbacks have been taken to run. */
	private static final Runnable[] CALLBACKS_TAKEN = new Runnable[0];

	// Field updaters rather than Atomic* and lock objects: an idle stream is mostly this
	// object, and there may be tens of thousands of them.
	private static final VarHandle QUEUED_EVENTS;

	private static final VarHandle QUEUED_BYTES;

	private static final VarHandle WIP;

	private static final VarHandle STATE;

	private static final VarHandle DEFERRED_CLOSE;

	private static final VarHandle CLOSE_CALLBACKS;

	private static final VarHandle WRITABLE_CALLBACKS;

	static {
		MethodHandles.Lookup lookup = MethodHandles.lookup();
		try {
			QUEUED_EVENTS = lookup.findVarHandle(DefaultSseStream.class, "queuedEvents", int.class);
			QUEUED_BYTES = lookup.findVarHandle(DefaultSseStream.class, "queuedBytes", long.class);
			WIP = lookup.findVarHandle(DefaultSseStream.class, "wip", int.class);
			STATE = lookup.findVarHandle(DefaultSseStream.class, "state", int.class);
			DEFERRED_CLOSE = lookup.findVarHandle(DefaultSseStream.class, "deferredClose", CloseReason.class);
			CLOSE_CALLBACKS = lookup.findVarHandle(DefaultSseStream.class, "closeCallbacks", Runnable[].class);
			WRITABLE_CALLBACKS = lookup.findVarHandle(DefaultSseStream.class, "writableCallbacks", Runnable[].class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	// States: events are accepted while OPEN; CLOSING writes what is queued, then ends
	// the
	// response; CLOSED discards what is left. Plain constants rather than an enum, so no
	// class initialisation (which pins a virtual thread) waits on a stream's first use.
	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int CLOSED = 2;

	// Outcomes of offering bytes to the queue.
	private static final int QUEUED = 0;

	private static final int FULL = 1;

	private static final int REFUSED = 2;

	/** A waiting producer looks again at least this often, whatever woke it. */
	private static final long MAX_PARK_NANOS = 1_000_000_000L;

	private final SseStreamRegistry registry;

	private final StreamOptions options;

	private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private volatile int queuedEvents;

	private volatile long queuedBytes;

	private volatile int wip;

	private volatile int state = OPEN;

	private volatile @Nullable CloseReason deferredClose;

	private volatile Runnable @Nullable [] closeCallbacks;

	private volatile Runnable @Nullable [] writableCallbacks;

	private volatile @Nullable Thread producer;

	private volatile @Nullable SseTransport transport;

	private volatile @Nullable CloseReason closeReason;

	private final long openedAt;

	private final @Nullable StreamOwner owner;

	private volatile long lastEnqueuedAt;

	/**
	 * When the transport began refusing writes, or 0 while it accepts them: the writer
	 * then waits for {@link #writePossible()}, a publish only queues its bytes, and the
	 * write timeout runs.
	 */
	private volatile long stalledSince;

	/** When the registry next looks at the stream; see {@link StreamTimers}. */
	volatile StreamTimers.@Nullable Timer timer;

	private boolean unflushed;

	/**
	 * Whether the writer's last {@link SseTransport#isReady()} returned {@code true} and
	 * nothing was written since: the next write needs no check (on Tomcat each one takes
	 * the response's lock), which spares a heartbeat or a lone event one of its three.
	 */
	private boolean knownReady;

	private boolean finished;

	DefaultSseStream(SseStreamRegistry registry, StreamOptions options, @Nullable StreamOwner owner) {
		this.registry = registry;
		this.options = options;
		this.owner = owner;
		this.openedAt = System.nanoTime();
		this.lastEnqueuedAt = this.openedAt;
		if (options.retry() != null) {
			enqueue(SseEvent.builder().retry(options.retry()).build().encoded(), false);
		}
	}

	@Override
	public void publish(SseEvent event) {
		Assert.notNull(event, "'event' must not be null");
		publishEncoded(event.encoded());
	}

	@Override
	public boolean tryPublish(SseEvent event) {
		Assert.notNull(event, "'event' must not be null");
		int outcome = offerBytes(event.encoded(), true, true);
		if (outcome == REFUSED) {
			throw closedException();
		}
		drain();
		return outcome == QUEUED;
	}

	@Override
	public void onWritable(Runnable callback) {
		Assert.notNull(callback, "'callback' must not be null");
		addCallback(WRITABLE_CALLBACKS, callback);
		if (isWritable()) {
			runWritableCallbacks();
		}
	}

	/**
	 * Publish several events as one batch: they are queued before they are written, so
	 * they go out in as few socket writes as the queue's coalescing allows, with one
	 * flush. A batch larger than the queue's limits is written as it is queued, so it
	 * overflows the queue only if the client cannot take it; on the stream's own producer
	 * thread it waits for room instead.
	 * @param events the events, in order
	 * @throws SseStreamClosedException if the stream is closed before every event was
	 * queued (those queued before are still written)
	 */
	@Override
	public void publishAll(Iterable<SseEvent> events) {
		List<byte[]> encoded = new ArrayList<>();
		for (SseEvent event : events) {
			Assert.notNull(event, "'events' must not contain null elements");
			encoded.add(event.encoded());
		}
		boolean paced = isPacedThread();
		try {
			for (byte[] bytes : encoded) {
				if (paced) {
					awaitRoomAndQueue(bytes);
					continue;
				}
				if (!fits(bytes.length)) {
					drain();
				}
				if (!enqueue(bytes, true, false)) {
					throw closedException();
				}
			}
		}
		finally {
			// a batch is coalesced already: written by its publisher, in one write
			drain();
		}
	}

	/**
	 * Queue an event without writing it, for a caller that fans one event out to many
	 * streams while holding a lock: it calls {@link #drain()} for each stream after
	 * releasing the lock. The event's encoded bytes are shared, not copied. When the
	 * queue overflows under {@link OverflowPolicy#DISCONNECT} the stream is evicted, and
	 * its close callbacks run on the next {@link #drain()}, never inside this call.
	 * @param event the event
	 * @return {@code true} if the event was queued, {@code false} if the stream is closed
	 * or was evicted by this call
	 */
	@Override
	public boolean offer(SseEvent event) {
		return enqueue(event.encoded(), true, true);
	}

	@Override
	public boolean offerEncoded(byte[] encoded) {
		return enqueue(encoded, true, true);
	}

	/**
	 * Queue an event beyond the queue's limits, for a source whose demand the caller
	 * already bounds by {@link #room()}: it never overflows or waits.
	 * @param event the event
	 * @param drain whether to write it now; {@code false} while a source emits a batch on
	 * the requesting thread, which drains once the batch is queued, so that the writer
	 * coalesces it
	 * @return {@code false} if the stream is closed
	 */
	boolean offerDemanded(SseEvent event, boolean drain) {
		boolean queued = offerBytes(event.encoded(), true, false) == QUEUED;
		if (drain) {
			drainLater();
		}
		return queued;
	}

	/**
	 * Return how many more events the queue takes before it is at its limits: zero while
	 * its bytes are at their limit.
	 * @return the room, in events
	 */
	int room() {
		int events = this.queuedEvents;
		if (events > 0 && this.queuedBytes >= this.options.maxQueuedBytes()) {
			return 0;
		}
		return Math.max(0, this.options.maxQueuedEvents() - events);
	}

	/**
	 * Make the given thread the stream's producer: its publishes wait for room instead of
	 * overflowing the queue.
	 * @param thread the producer's thread, or {@code null} once it is done
	 */
	public void pacedBy(@Nullable Thread thread) {
		this.producer = thread;
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
		return this.state == OPEN;
	}

	@Override
	public void onClose(Runnable callback) {
		Assert.notNull(callback, "'callback' must not be null");
		if (!addCallback(CLOSE_CALLBACKS, callback)) {
			runCallback(callback);
		}
	}

	/**
	 * Add a callback to a copy-on-write array held in the given field.
	 * @return {@code false} if the field's callbacks were already taken for good
	 */
	private boolean addCallback(VarHandle field, Runnable callback) {
		while (true) {
			Runnable[] current = (Runnable[]) field.getVolatile(this);
			if (current == CALLBACKS_TAKEN) {
				return false;
			}
			Runnable[] next;
			if (current == null) {
				next = new Runnable[] { callback };
			}
			else {
				next = Arrays.copyOf(current, current.length + 1);
				next[current.length] = callback;
			}
			if (field.compareAndSet(this, current, next)) {
				return true;
			}
		}
	}

	@Override
	public void close() {
		close(CloseReason.APPLICATION);
	}

	@Override
	public @Nullable Principal principal() {
		return (this.owner != null) ? this.owner.principal() : null;
	}

	@Nullable StreamOwner owner() {
		return this.owner;
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
		return this.queuedEvents;
	}

	/**
	 * Return how many bytes wait to be written.
	 * @return the queued bytes
	 */
	public long queuedBytes() {
		return this.queuedBytes;
	}

	/**
	 * Close gracefully: what was published is still written, then the response ends.
	 * @param reason why
	 */
	public void close(CloseReason reason) {
		if (STATE.compareAndSet(this, OPEN, CLOSING)) {
			closed(reason);
			drain();
		}
	}

	/**
	 * Close at once, discarding what was not written: the client is gone or too slow.
	 * @param reason why
	 * @param cause the failure, if any, for the debug log
	 */
	public void abort(CloseReason reason, @Nullable Throwable cause) {
		int previous = (int) STATE.getAndSet(this, CLOSED);
		if (previous == CLOSED) {
			return;
		}
		if (previous == OPEN) {
			closed(reason);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("SSE stream closed (" + reason + ")" + ((cause != null) ? ": " + cause : ""));
		}
		drain();
	}

	/**
	 * Bind the stream to the transport that writes to its client, and start writing.
	 * @param transport the transport
	 */
	public void bind(SseTransport transport) {
		if (this.transport != null) {
			throw new IllegalStateException("SseStream was already returned from a handler");
		}
		this.transport = transport;
		drain();
	}

	/**
	 * Close a stream that no handler returned, so it leaves the registry at once.
	 */
	public void abortIfUnbound() {
		if (this.transport == null) {
			abort(CloseReason.APPLICATION, null);
		}
	}

	boolean isBound() {
		return this.transport != null;
	}

	/**
	 * Send a heartbeat comment if the stream is open, has nothing queued, and has queued
	 * nothing for the given interval.
	 * @param now the current {@link System#nanoTime()}
	 * @param intervalNanos the interval
	 */
	public void heartbeat(long now, long intervalNanos) {
		// a stream with bytes waiting needs no heartbeat: the write timeout watches it
		if (intervalNanos > 0 && this.state == OPEN && this.transport != null && this.queuedEvents == 0
				&& now - this.lastEnqueuedAt >= intervalNanos) {
			offerBytes(HEARTBEAT, false, true);
			drain();
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
	 * Return when the client stopped taking bytes.
	 * @return the {@link System#nanoTime()} the writer first found the transport not
	 * ready, or {@code 0} if it is not stalled
	 */
	long stalledSince() {
		return this.stalledSince;
	}

	/**
	 * Return when the last event or heartbeat was queued.
	 * @return the {@link System#nanoTime()} of the last enqueue
	 */
	long lastEnqueuedAt() {
		return this.lastEnqueuedAt;
	}

	/**
	 * Return when the stream was opened.
	 * @return the {@link System#nanoTime()} of its creation
	 */
	long openedAt() {
		return this.openedAt;
	}

	/**
	 * Write queued bytes while the transport accepts them, never waiting for the client.
	 * Safe to call from any thread; only one thread writes at a time, and a call made
	 * while another thread writes makes that thread look again before it stops. Also runs
	 * the close callbacks of a stream that {@link #offer(SseEvent)} evicted.
	 */
	@Override
	public void drain() {
		if (waitsForWritePossible()) {
			return;
		}
		writeQueued();
	}

	/**
	 * Whether the socket takes nothing and nothing else is pending:
	 * {@link #writePossible()} drains once it does.
	 */
	private boolean waitsForWritePossible() {
		return this.stalledSince != 0 && this.state == OPEN && this.deferredClose == null;
	}

	/**
	 * Write what is queued now that the transport accepts bytes again: called by the
	 * transport after {@link SseTransport#isReady()} returned {@code false}.
	 */
	public void writePossible() {
		// not through drain(): a writer that saw the socket full may still be at work,
		// and must then be made to look once more
		writeQueued();
	}

	/**
	 * Write queued bytes for a producer that waits for room in the queue (the stream's
	 * paced producer thread, or a source whose demand the room bounds): on a pool thread
	 * rather than the producer's, so that the producer goes on while the socket write
	 * happens, and what it queues meanwhile goes out in the same write. A publish from
	 * any other thread is written on that thread, as it cannot wait for room: queued
	 * faster than written, its events would overflow the queue of a client that takes
	 * them. The pool is the common fork-join pool, whose size follows the cores: a write
	 * never waits for the client, so it holds a pool thread only as long as the socket
	 * takes bytes. A blocking transport, an unbound or closing stream, or a rejected task
	 * is written on the caller's thread.
	 */
	void drainLater() {
		if (waitsForWritePossible()) {
			return;
		}
		SseTransport transport = this.transport;
		if (transport == null || transport.isBlocking() || this.state != OPEN || this.deferredClose != null) {
			writeQueued();
			return;
		}
		if ((int) WIP.getAndAdd(this, 1) != 0) {
			return;
		}
		try {
			ForkJoinPool.commonPool().execute(this::writeLoop);
		}
		catch (RejectedExecutionException ex) {
			writeLoop();
		}
	}

	private void writeQueued() {
		CloseReason deferred = (this.deferredClose != null) ? (CloseReason) DEFERRED_CLOSE.getAndSet(this, null) : null;
		if (deferred != null) {
			closed(deferred);
			if (logger.isDebugEnabled()) {
				logger.debug("SSE stream closed (" + deferred + ")");
			}
		}
		if ((int) WIP.getAndAdd(this, 1) != 0) {
			return;
		}
		writeLoop();
	}

	/**
	 * Write while there is something to write, by the thread that took the
	 * work-in-progress count from zero: calls made meanwhile make it look once more.
	 */
	private void writeLoop() {
		int missed = 1;
		do {
			writeWhileReady();
			missed = (int) WIP.getAndAdd(this, -missed) - missed;
		}
		while (missed != 0);
		wakeWritableIfRoom();
	}

	private void wakeWritableIfRoom() {
		if (this.writableCallbacks != null && isWritable()) {
			runWritableCallbacks();
		}
	}

	private void publishEncoded(byte[] bytes) {
		if (isPacedThread()) {
			awaitRoomAndQueue(bytes);
			drainLater();
		}
		else {
			enqueue(bytes, true);
		}
	}

	private boolean isPacedThread() {
		Thread producer = this.producer;
		return producer != null && producer == Thread.currentThread();
	}

	/**
	 * Queue the bytes, waiting while the queue is at its limits: the paced producer's
	 * publish. The wait ends when the writer has made room, or when the stream closes (a
	 * client that takes no bytes for the write timeout is evicted by the registry). It
	 * parks, so it does not pin a virtual thread.
	 */
	private void awaitRoomAndQueue(byte[] bytes) {
		Runnable unpark = null;
		long waitedSince = 0;
		while (true) {
			int outcome = offerBytes(bytes, true, true);
			if (outcome == QUEUED) {
				return;
			}
			if (outcome == REFUSED) {
				throw closedException();
			}
			drainLater();
			if (unpark == null) {
				Thread thread = Thread.currentThread();
				unpark = () -> LockSupport.unpark(thread);
				waitedSince = System.nanoTime();
			}
			addCallback(WRITABLE_CALLBACKS, unpark);
			if (this.state == OPEN && !fits(bytes.length)) {
				LockSupport.parkNanos(this, MAX_PARK_NANOS);
			}
			if (Thread.interrupted()) {
				interruptedWhileWaiting();
			}
			if (this.state == OPEN && this.transport == null) {
				abortIfUnboundFor(System.nanoTime() - waitedSince);
			}
		}
	}

	private void interruptedWhileWaiting() {
		Thread.currentThread().interrupt();
		if (this.state == OPEN) {
			close(CloseReason.APPLICATION);
		}
		throw new SseStreamClosedException("Interrupted while waiting for the SSE client to take events");
	}

	/**
	 * A producer may wait for a response that never comes (its controller failed after
	 * creating the stream); once bound, the registry's write timeout ends the wait.
	 */
	private void abortIfUnboundFor(long waitedNanos) {
		Duration writeTimeout = this.registry.writeTimeout();
		if (writeTimeout != null && waitedNanos >= writeTimeout.toNanos()) {
			abort(CloseReason.WRITE_TIMEOUT, null);
		}
	}

	/**
	 * Whether an event of the given size fits in the queue now.
	 */
	private boolean fits(int length) {
		return !exceedsLimits(this.queuedEvents + 1, this.queuedBytes + length);
	}

	/**
	 * Whether a waiting producer or source should be told to go on: the queue is empty or
	 * at most half full, so a wake-up carries a batch rather than one event, or the
	 * stream closed.
	 */
	private boolean isWritable() {
		if (this.state != OPEN) {
			return true;
		}
		int events = this.queuedEvents;
		return events == 0 || (events <= this.options.maxQueuedEvents() / 2
				&& this.queuedBytes <= this.options.maxQueuedBytes() / 2);
	}

	private void runWritableCallbacks() {
		Runnable[] callbacks = (Runnable[]) WRITABLE_CALLBACKS.getAndSet(this, null);
		if (callbacks != null) {
			for (Runnable callback : callbacks) {
				runCallback(callback);
			}
		}
	}

	private void enqueue(byte[] bytes, boolean event) {
		if (!enqueue(bytes, event, false)) {
			throw closedException();
		}
		drain();
	}

	/**
	 * Queue the bytes under the overflow policy: a full queue evicts the stream or drops
	 * its oldest events.
	 */
	private boolean enqueue(byte[] bytes, boolean event, boolean deferClose) {
		boolean dropOldest = this.options.overflowPolicy() == OverflowPolicy.DROP_OLDEST;
		int outcome = offerBytes(bytes, event, !dropOldest);
		if (outcome == FULL) {
			overflowed(deferClose);
			return false;
		}
		if (outcome == QUEUED && dropOldest) {
			dropOldest();
		}
		return outcome == QUEUED;
	}

	/**
	 * Add the bytes to the queue.
	 * @param bytes the encoded event
	 * @param event whether it is an event (counted as published) rather than a heartbeat
	 * @param bounded whether to refuse bytes beyond the queue's limits
	 * @return {@link #QUEUED}, {@link #FULL} (nothing was queued) or {@link #REFUSED}
	 * (the stream is closed)
	 */
	private int offerBytes(byte[] bytes, boolean event, boolean bounded) {
		if (this.state != OPEN) {
			return REFUSED;
		}
		int events = (int) QUEUED_EVENTS.getAndAdd(this, 1) + 1;
		long size = (long) QUEUED_BYTES.getAndAdd(this, (long) bytes.length) + bytes.length;
		if (bounded && exceedsLimits(events, size)) {
			uncount(1, bytes.length);
			return FULL;
		}
		this.queue.offer(bytes);
		this.lastEnqueuedAt = System.nanoTime();
		if (event) {
			this.registry.observer().eventPublished();
		}
		if (this.state == CLOSED && this.queue.remove(bytes)) {
			uncount(1, bytes.length);
			return REFUSED;
		}
		return QUEUED;
	}

	/**
	 * Whether a queue holding this much is beyond its limits. An event alone in the queue
	 * is always within them, however large, so no single event can evict a stream or
	 * leave a producer waiting for good.
	 */
	private boolean exceedsLimits(int events, long bytes) {
		return events > this.options.maxQueuedEvents() || (bytes > this.options.maxQueuedBytes() && events > 1);
	}

	private void overflowed(boolean deferClose) {
		if (!deferClose) {
			abort(CloseReason.QUEUE_OVERFLOW, null);
		}
		else if ((int) STATE.getAndSet(this, CLOSED) == OPEN) {
			this.deferredClose = CloseReason.QUEUE_OVERFLOW;
		}
	}

	private void dropOldest() {
		int dropped = 0;
		while (exceedsLimits(this.queuedEvents, this.queuedBytes)) {
			byte[] oldest = this.queue.poll();
			if (oldest == null) {
				break;
			}
			uncount(1, oldest.length);
			dropped++;
		}
		if (dropped > 0) {
			this.registry.observer().dropped(dropped);
		}
	}

	private void writeWhileReady() {
		if (this.state == CLOSED) {
			finish();
			return;
		}
		SseTransport transport = this.transport;
		if (transport == null) {
			return;
		}
		try {
			boolean ready = this.knownReady || transport.isReady();
			this.knownReady = false;
			for (; ready; ready = transport.isReady()) {
				byte[] batch = nextBatch();
				if (batch != null) {
					transport.write(batch);
					this.unflushed = true;
					// a waiting producer refills the queue while the rest is written
					wakeWritableIfRoom();
					continue;
				}
				if (this.unflushed) {
					this.unflushed = false;
					transport.flush();
					continue;
				}
				this.stalledSince = 0;
				this.knownReady = true;
				if (this.queue.isEmpty() && STATE.compareAndSet(this, CLOSING, CLOSED)) {
					finish();
				}
				return;
			}
			if (this.stalledSince == 0) {
				this.stalledSince = System.nanoTime();
				this.registry.stalled(this);
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
		uncount(events, bytes);
		this.registry.observer().written(events, bytes);
	}

	private void uncount(int events, long bytes) {
		QUEUED_EVENTS.getAndAdd(this, -events);
		QUEUED_BYTES.getAndAdd(this, -bytes);
	}

	private void discardQueue() {
		int discarded = 0;
		byte[] bytes;
		while ((bytes = this.queue.poll()) != null) {
			uncount(1, bytes.length);
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
		this.closeReason = reason;
		Runnable[] callbacks = (Runnable[]) CLOSE_CALLBACKS.getAndSet(this, CALLBACKS_TAKEN);
		this.registry.observer().streamClosed(reason);
		if (callbacks != null && callbacks != CALLBACKS_TAKEN) {
			for (Runnable callback : callbacks) {
				runCallback(callback);
			}
		}
		runWritableCallbacks();
	}

	private SseStreamClosedException closedException() {
		CloseReason reason = this.closeReason;
		return new SseStreamClosedException("SSE stream is closed" + ((reason != null) ? " (" + reason + ")" : ""));
	}

	/**
	 * Convert an element of a reactive source: an {@link SseEvent} as it is, a
	 * {@link CharSequence} as data, any other object as JSON data.
	 * @param element the element
	 * @return the event
	 */
	SseEvent toEvent(Object element) {
		if (element instanceof SseEvent event) {
			return event;
		}
		return SseEvent.of(serialize(element));
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
