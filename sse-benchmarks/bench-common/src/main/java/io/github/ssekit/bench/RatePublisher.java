package io.github.ssekit.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes benchmark events at a fixed rate for a fixed time on one thread, as a
 * server's own publisher would. Started by the control endpoint of every server under
 * test.
 */
public final class RatePublisher {

	/**
	 * What the publisher hands each event's data to: the server's broadcast.
	 */
	@FunctionalInterface
	public interface Target {

		/**
		 * Broadcast one event to every subscriber.
		 * @param data the event data
		 * @throws Exception if the broadcast failed
		 */
		void broadcast(String data) throws Exception;

	}

	private final Executor executor;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile long published;

	private volatile long failures;

	private volatile long elapsedNanos;

	private volatile long maxBehindNanos;

	private volatile int step;

	/**
	 * Create a publisher that runs on threads of the given executor.
	 * @param executor the executor (virtual threads when the server runs with them)
	 */
	public RatePublisher(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Start publishing unless a run is in progress.
	 * @param rate events per second
	 * @param seconds how long to publish
	 * @param step the step number carried by every event
	 * @param size the encoded size of each event
	 * @param target the broadcast
	 * @return whether a run was started
	 */
	public boolean start(double rate, double seconds, int step, int size, Target target) {
		if (!this.running.compareAndSet(false, true)) {
			return false;
		}
		this.published = 0;
		this.failures = 0;
		this.maxBehindNanos = 0;
		this.elapsedNanos = 0;
		this.step = step;
		this.executor.execute(() -> run(rate, seconds, step, size, target));
		return true;
	}

	private void run(double rate, double seconds, int step, int size, Target target) {
		long start = System.nanoTime();
		try {
			long total = Math.round(rate * seconds);
			double period = 1_000_000_000d / rate;
			long failed = 0;
			long maxBehind = 0;
			for (long i = 0; i < total; i++) {
				long due = start + (long) (i * period);
				long now = System.nanoTime();
				while (now < due) {
					LockSupport.parkNanos(due - now);
					now = System.nanoTime();
				}
				maxBehind = Math.max(maxBehind, now - due);
				try {
					target.broadcast(Payload.data(now, step, size));
				}
				catch (Exception ex) {
					failed++;
				}
				this.published = i + 1;
				this.failures = failed;
				this.maxBehindNanos = maxBehind;
			}
		}
		finally {
			this.elapsedNanos = System.nanoTime() - start;
			this.running.set(false);
		}
	}

	/**
	 * The state of the current or last run, as {@code key=value} lines.
	 * @return the status
	 */
	public String status() {
		return "running=" + this.running.get() + "\nstep=" + this.step + "\npublished=" + this.published + "\nfailures="
				+ this.failures + "\nelapsedNanos=" + this.elapsedNanos + "\nmaxBehindNanos=" + this.maxBehindNanos
				+ "\n";
	}

	/**
	 * Server statistics as {@code key=value} lines, optionally after a full GC.
	 * @param subscribers the open subscriber streams
	 * @param gc whether to collect garbage first, so that the heap figure is the live
	 * heap
	 * @return the statistics
	 */
	public static String stats(int subscribers, boolean gc) {
		if (gc) {
			for (int i = 0; i < 3; i++) {
				System.gc();
			}
		}
		Runtime runtime = Runtime.getRuntime();
		long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		return "subscribers=" + subscribers + "\nheapUsed=" + heap + "\nheapCommitted=" + runtime.totalMemory()
				+ "\nthreads=" + Thread.activeCount() + "\n";
	}

}
