package io.github.ssekit.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * A hashed timing wheel of the times at which the registry next looks at each stream (its
 * heartbeat, its write timeout, its maximum lifetime), so that one thread visits a stream
 * when something about it may be due, not every stream on every tick.
 * <p>
 * Time is cut into ticks of a fixed resolution; the wheel has a power of two of slots,
 * and a stream due at a tick waits in that tick's slot (modulo the number of slots).
 * {@link #advance(long, Visitor)} visits, on the one thread that serves the wheel, the
 * streams of every slot passed since the last advance that are due, and keeps those due a
 * whole turn of the wheel later. A stream is filed at most once: filing it earlier
 * replaces its timer (the old one is skipped when its slot comes), filing it at or after
 * its current time does nothing, and a visit consumes the timer, so a stream the visitor
 * does not file again is forgotten. {@link #schedule(DefaultSseStream, long)} and
 * {@link #cancel(DefaultSseStream)} may be called from any thread: a new timer goes on a
 * lock-free list that the next advance moves into its slot, and a cancelled timer lets go
 * of its stream at once. Nothing is allocated per stream but its current timer.
 *
 * @author ssekit
 */
final class StreamTimers {

	/** Takes the place of a cancelled stream's timer, so it is never filed again. */
	private static final Timer CANCELLED = new Timer(null, Long.MIN_VALUE);

	private static final VarHandle STREAM_TIMER;

	private static final VarHandle INBOX;

	static {
		MethodHandles.Lookup lookup = MethodHandles.lookup();
		try {
			STREAM_TIMER = lookup.findVarHandle(DefaultSseStream.class, "timer", Timer.class);
			INBOX = lookup.findVarHandle(StreamTimers.class, "inbox", Timer.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final long origin;

	private final long resolution;

	private final @Nullable Timer[] slots;

	private final int mask;

	/** Timers filed since the last advance, linked through {@link Timer#next}. */
	private volatile @Nullable Timer inbox;

	/** The first tick that the next advance serves; read and written by its thread. */
	private long nextTick = 1;

	/**
	 * Create a wheel.
	 * @param origin the {@link System#nanoTime()} of tick zero
	 * @param resolutionNanos the length of a tick: a stream is visited at most this long
	 * (plus the advancing thread's own delay) after it is due
	 * @param horizonNanos how far ahead most streams are filed: the wheel has enough
	 * slots to cover it, so a stream due that far ahead waits for no extra turn
	 */
	StreamTimers(long origin, long resolutionNanos, long horizonNanos) {
		if (resolutionNanos <= 0) {
			throw new IllegalArgumentException("resolutionNanos must be positive");
		}
		this.origin = origin;
		this.resolution = resolutionNanos;
		long ticks = Math.max(1, horizonNanos / resolutionNanos) + 1;
		int slots = Integer.highestOneBit((int) Math.min(4096, Math.max(16, ticks)) * 2 - 1);
		this.slots = new Timer[slots];
		this.mask = slots - 1;
	}

	/**
	 * Return how many slots the wheel has.
	 * @return the number of slots, a power of two
	 */
	int slots() {
		return this.slots.length;
	}

	/**
	 * Return how long from the given time the next tick begins.
	 * @param now a {@link System#nanoTime()}
	 * @return the nanoseconds to the next tick, more than zero and at most one tick
	 */
	long nanosToNextTick(long now) {
		return this.resolution - Math.floorMod(now - this.origin, this.resolution);
	}

	/**
	 * File the stream for a visit at the given time, unless it is already filed to be
	 * visited by then, or was cancelled. Safe to call from any thread.
	 * @param stream the stream
	 * @param due the {@link System#nanoTime()} at which to visit it
	 */
	void schedule(DefaultSseStream stream, long due) {
		long tick = tickOf(due);
		Timer timer = null;
		while (true) {
			Timer current = (Timer) STREAM_TIMER.getVolatile(stream);
			if (current == CANCELLED || (current != null && current.tick <= tick)) {
				return;
			}
			if (timer == null) {
				timer = new Timer(stream, tick);
			}
			if (STREAM_TIMER.compareAndSet(stream, current, timer)) {
				if (current != null) {
					// replaced: its slot drops it, and it no longer holds the stream
					current.stream = null;
				}
				push(timer);
				return;
			}
		}
	}

	/**
	 * Forget the stream for good: it is not visited again, and the wheel lets go of it
	 * now. Safe to call from any thread.
	 * @param stream the stream
	 */
	void cancel(DefaultSseStream stream) {
		Timer current = (Timer) STREAM_TIMER.getAndSet(stream, CANCELLED);
		if (current != null && current != CANCELLED) {
			current.stream = null;
		}
	}

	/**
	 * Visit every stream that is due by the given time, each once, and consume its timer:
	 * the visitor files it again if it wants another visit, which comes at a later
	 * advance even if it is due already. Only one thread may advance the wheel.
	 * @param now the current {@link System#nanoTime()}
	 * @param visitor called with each due stream and {@code now}
	 */
	void advance(long now, Visitor visitor) {
		long currentTick = Math.floorDiv(now - this.origin, this.resolution);
		long first = this.nextTick;
		if (currentTick < first) {
			fileInbox(first);
			return;
		}
		// timers filed from here on, by the visitor too, wait for a later advance
		this.nextTick = currentTick + 1;
		fileInbox(first);
		long last = Math.min(currentTick, first + this.mask);
		for (long tick = first; tick <= last; tick++) {
			advanceSlot((int) (tick & this.mask), currentTick, now, visitor);
		}
	}

	private void advanceSlot(int slot, long currentTick, long now, Visitor visitor) {
		Timer timer = this.slots[slot];
		this.slots[slot] = null;
		while (timer != null) {
			Timer next = timer.next;
			timer.next = null;
			DefaultSseStream stream = timer.stream;
			if (stream != null && STREAM_TIMER.getVolatile(stream) == timer) {
				if (timer.tick > currentTick) {
					// due on a later turn of the wheel
					timer.next = this.slots[slot];
					this.slots[slot] = timer;
				}
				else if (STREAM_TIMER.compareAndSet(stream, timer, null)) {
					timer.stream = null;
					visitor.visit(stream, now);
				}
			}
			timer = next;
		}
	}

	/**
	 * Move the timers filed since the last advance into their slots, none before the
	 * given tick.
	 */
	private void fileInbox(long earliestTick) {
		Timer timer = (Timer) INBOX.getAndSet(this, null);
		while (timer != null) {
			Timer next = timer.next;
			if (timer.stream != null) {
				int slot = (int) (Math.max(timer.tick, earliestTick) & this.mask);
				timer.next = this.slots[slot];
				this.slots[slot] = timer;
			}
			else {
				timer.next = null;
			}
			timer = next;
		}
	}

	private void push(Timer timer) {
		while (true) {
			Timer head = this.inbox;
			timer.next = head;
			if (INBOX.compareAndSet(this, head, timer)) {
				return;
			}
		}
	}

	/**
	 * Return how many streams the wheel holds, filed or waiting to be filed: for tests.
	 * Only the advancing thread may call it.
	 * @return the number of streams
	 */
	int size() {
		int size = count(this.inbox);
		for (Timer timer : this.slots) {
			size += count(timer);
		}
		return size;
	}

	private static int count(@Nullable Timer timer) {
		int count = 0;
		for (Timer current = timer; current != null; current = current.next) {
			if (current.stream != null) {
				count++;
			}
		}
		return count;
	}

	private long tickOf(long due) {
		long ticks = due - this.origin;
		return Math.floorDiv(ticks, this.resolution) + ((Math.floorMod(ticks, this.resolution) != 0) ? 1 : 0);
	}

	/**
	 * What {@link #advance(long, Visitor)} does with each stream that is due.
	 */
	@FunctionalInterface
	interface Visitor {

		/**
		 * Visit a stream that is due.
		 * @param stream the stream
		 * @param now the time the wheel was advanced to
		 */
		void visit(DefaultSseStream stream, long now);

	}

	/**
	 * A stream's place in the wheel: the stream, until the timer is visited, replaced or
	 * cancelled, and the tick at which it is due.
	 */
	static final class Timer {

		volatile @Nullable DefaultSseStream stream;

		final long tick;

		/** The next timer in the same slot, or in the inbox. */
		@Nullable Timer next;

		Timer(@Nullable DefaultSseStream stream, long tick) {
			this.stream = stream;
			this.tick = tick;
		}

	}

}
