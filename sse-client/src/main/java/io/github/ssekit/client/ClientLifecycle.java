package io.github.ssekit.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.client.SseClient.State;
import org.jspecify.annotations.Nullable;

/**
 * The {@link State state} of a client and what {@link #close()} releases: the pending
 * request or the open response body, the wait before a reconnection, and the
 * {@link SseClient#events() queues}. Also records the error that stopped the client and
 * signals its end.
 * <p>
 * The client's thread registers what it waits on; {@link #close()}, from any thread,
 * cancels or closes it. A {@link ReentrantLock} guards the changes, so virtual threads
 * are not pinned.
 *
 * @author ssekit
 */
final class ClientLifecycle {

	private static final System.Logger logger = System.getLogger(SseClient.class.getName());

	private final Listeners listeners;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition stateChanged = this.lock.newCondition();

	private final CountDownLatch terminated = new CountDownLatch(1);

	private final List<SseEventQueue> queues = new CopyOnWriteArrayList<>();

	private volatile State state = State.NEW;

	private volatile @Nullable Throwable failure;

	private @Nullable Future<?> pendingResponse;

	private @Nullable InputStream responseBody;

	ClientLifecycle(Listeners listeners) {
		this.listeners = listeners;
	}

	State state() {
		return this.state;
	}

	boolean isClosed() {
		return this.state == State.CLOSED;
	}

	@Nullable Throwable failure() {
		return this.failure;
	}

	/**
	 * Moves a new client to {@link State#CONNECTING}.
	 * @throws IllegalStateException if the client was already started or closed
	 */
	void start() {
		this.lock.lock();
		try {
			if (this.state != State.NEW) {
				throw new IllegalStateException("Client already " + (isClosed() ? "closed" : "started"));
			}
			this.state = State.CONNECTING;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Closes the client: releases what its thread waits on, and ends a client that was
	 * never started.
	 */
	void close() {
		Future<?> pending;
		InputStream body;
		boolean started;
		this.lock.lock();
		try {
			if (this.state == State.CLOSED) {
				return;
			}
			started = this.state != State.NEW;
			this.state = State.CLOSED;
			pending = this.pendingResponse;
			body = this.responseBody;
			this.stateChanged.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		this.queues.forEach(SseEventQueue::close);
		release(pending, body);
		if (!started) {
			this.terminated.countDown();
		}
	}

	/**
	 * Feeds a queue with the events dispatched from now on, and exhausts it when the
	 * client stops (at once if it has stopped).
	 * @param queue the queue
	 */
	void add(SseEventQueue queue) {
		this.lock.lock();
		try {
			this.queues.add(queue);
			this.listeners.add(CallbackListener.onEvent(queue::put));
			if (this.state == State.CLOSED) {
				queue.close();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Registers the pending response of a connection, cancelled on {@link #close()}.
	 * @param pending the pending response
	 * @return {@code false} if the client is closed (the caller cancels it then)
	 */
	boolean register(Future<?> pending) {
		this.lock.lock();
		try {
			this.pendingResponse = isClosed() ? null : pending;
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Registers the response body of a connection, closed on {@link #close()}.
	 * @param body the response body
	 * @return {@code false} if the client is closed (the caller closes it then)
	 */
	boolean register(InputStream body) {
		this.lock.lock();
		try {
			this.pendingResponse = null;
			this.responseBody = isClosed() ? null : body;
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Moves the client to {@link State#OPEN}, unless it is closed.
	 * @return whether the client is open
	 */
	boolean open() {
		this.lock.lock();
		try {
			if (!isClosed()) {
				this.state = State.OPEN;
			}
			return !isClosed();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Moves the client to {@link State#CONNECTING} and waits the reconnection delay, or
	 * until the client is closed.
	 * @param delayMillis the delay
	 * @return whether to reconnect: {@code false} if the client was closed or the thread
	 * interrupted
	 */
	boolean awaitReconnection(long delayMillis) {
		long remaining = TimeUnit.MILLISECONDS.toNanos(delayMillis);
		this.lock.lock();
		try {
			if (!isClosed()) {
				this.state = State.CONNECTING;
			}
			while (!isClosed() && remaining > 0) {
				remaining = this.stateChanged.awaitNanos(remaining);
			}
			return !isClosed();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Records the error that stops the client and reports it to the listeners.
	 * @param error the error
	 */
	void fail(Throwable error) {
		this.failure = error;
		this.listeners.onError(error);
	}

	/**
	 * Ends the client, on its own thread: closes it, exhausts the queues, calls
	 * {@link SseListener#onClosed()} and releases {@link #awaitTermination(Duration)}.
	 */
	void terminate() {
		this.lock.lock();
		try {
			this.state = State.CLOSED;
			this.pendingResponse = null;
			this.responseBody = null;
		}
		finally {
			this.lock.unlock();
		}
		this.queues.forEach(SseEventQueue::close);
		this.listeners.onClosed();
		this.terminated.countDown();
	}

	/**
	 * Closes a response body, logging a failure.
	 * @param body the body, or {@code null}
	 */
	static void closeQuietly(@Nullable InputStream body) {
		if (body == null) {
			return;
		}
		try {
			body.close();
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Failed to close the response body", ex);
		}
	}

	private static void release(@Nullable Future<?> pending, @Nullable InputStream body) {
		if (pending != null) {
			pending.cancel(true);
		}
		closeQuietly(body);
	}

}
