package io.github.ssekit.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

/**
 * A blocking view of the events of a {@link SseClient}, for tests and for code that runs
 * on virtual threads. Obtained from {@link SseClient#events()}; it holds the events
 * dispatched after it was obtained, up to a capacity (when full, the client waits, which
 * pushes back on the server). Once the client has stopped and the held events are taken,
 * the view is exhausted: {@link #poll(Duration)} returns {@code null} and iteration ends.
 */
public final class SseEventQueue implements Iterable<SseMessage> {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private final ArrayDeque<SseMessage> events = new ArrayDeque<>();

	private final int capacity;

	private boolean closed;

	SseEventQueue(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Takes the next event, waiting for it up to a timeout.
	 * @param timeout how long to wait
	 * @return the next event, or {@code null} if none arrived in time or the client has
	 * stopped and every event was taken
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	public @Nullable SseMessage poll(Duration timeout) throws InterruptedException {
		long remaining = timeout.toNanos();
		this.lock.lockInterruptibly();
		try {
			while (this.events.isEmpty() && !this.closed && remaining > 0) {
				remaining = this.notEmpty.awaitNanos(remaining);
			}
			return take();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes the next event if one is held, without waiting.
	 * @return the next event, or {@code null}
	 */
	public @Nullable SseMessage poll() {
		this.lock.lock();
		try {
			return take();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Returns whether the client has stopped and every event was taken.
	 * @return whether no event will ever be returned again
	 */
	public boolean isExhausted() {
		this.lock.lock();
		try {
			return this.closed && this.events.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Returns a blocking iterator over the events: {@code hasNext()} waits for the next
	 * event and returns {@code false} once the view is exhausted. If the waiting thread
	 * is interrupted, iteration ends and the thread's interrupt status is set.
	 * @return an iterator that takes the events
	 */
	@Override
	public Iterator<SseMessage> iterator() {
		return new BlockingIterator();
	}

	/**
	 * Returns a sequential stream that takes the events as they arrive (see
	 * {@link #iterator()}), for example {@code events.stream().limit(3).toList()}.
	 * @return a stream of the events
	 */
	public Stream<SseMessage> stream() {
		Spliterator<SseMessage> spliterator = Spliterators.spliteratorUnknownSize(iterator(),
				Spliterator.ORDERED | Spliterator.NONNULL);
		return StreamSupport.stream(spliterator, false);
	}

	void put(SseMessage event) {
		this.lock.lock();
		try {
			while (this.events.size() >= this.capacity && !this.closed) {
				this.notFull.awaitUninterruptibly();
			}
			if (!this.closed) {
				this.events.add(event);
				this.notEmpty.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.notEmpty.signalAll();
			this.notFull.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private @Nullable SseMessage take() {
		SseMessage event = this.events.poll();
		if (event != null) {
			this.notFull.signal();
		}
		return event;
	}

	private final class BlockingIterator implements Iterator<SseMessage> {

		private @Nullable SseMessage next;

		private boolean interrupted;

		@Override
		public boolean hasNext() {
			while (this.next == null && !this.interrupted && !isExhausted()) {
				this.next = pollInterruptibly();
			}
			return this.next != null;
		}

		@Override
		public SseMessage next() {
			if (!hasNext()) {
				throw new NoSuchElementException("No more events: the client has stopped");
			}
			SseMessage event = Objects.requireNonNull(this.next);
			this.next = null;
			return event;
		}

		private @Nullable SseMessage pollInterruptibly() {
			try {
				return poll(Duration.ofDays(1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.interrupted = true;
				return null;
			}
		}

	}

}
