package io.github.ssekit.sample;

import java.time.Duration;

import org.springframework.stereotype.Component;

/**
 * Counts the cancellations of {@link TokensController}'s answers, so a test can see on
 * the server side that a client going away stopped the source.
 *
 * @author ssekit
 */
@Component
class TokenStreamRecorder {

	private long cancellations;

	private long lastCancellationNanos;

	/**
	 * Record a cancellation, now.
	 */
	synchronized void cancelled() {
		this.cancellations++;
		this.lastCancellationNanos = System.nanoTime();
		notifyAll();
	}

	/**
	 * Return how many answers were cancelled so far.
	 * @return the number of cancellations
	 */
	synchronized long cancellations() {
		return this.cancellations;
	}

	/**
	 * Return when the last cancellation happened.
	 * @return its {@link System#nanoTime()}, or {@code 0} if there was none
	 */
	synchronized long lastCancellationNanos() {
		return this.lastCancellationNanos;
	}

	/**
	 * Wait until at least the given number of cancellations were recorded.
	 * @param count the number to wait for
	 * @param timeout how long to wait at most
	 * @return whether that many were recorded in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	synchronized boolean awaitCancellations(long count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		long remaining = timeout.toNanos();
		while (this.cancellations < count && remaining > 0) {
			wait(Math.max(1, remaining / 1_000_000));
			remaining = deadline - System.nanoTime();
		}
		return this.cancellations >= count;
	}

}
