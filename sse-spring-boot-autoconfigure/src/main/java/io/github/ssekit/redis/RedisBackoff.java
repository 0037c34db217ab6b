package io.github.ssekit.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnection attempts: each delay is drawn
 * between half and all of a nominal delay that doubles from the minimum up to the
 * maximum, and goes back to the minimum once connected.
 *
 * @author ssekit
 */
final class RedisBackoff {

	private final long minMillis;

	private final long maxMillis;

	private volatile long nextMillis;

	/**
	 * Create a backoff.
	 * @param min the first nominal delay
	 * @param max the longest nominal delay
	 */
	RedisBackoff(Duration min, Duration max) {
		this.minMillis = min.toMillis();
		this.maxMillis = max.toMillis();
		this.nextMillis = this.minMillis;
	}

	/**
	 * Return the next delay and double the nominal one.
	 * @return the delay, at least one millisecond
	 */
	Duration next() {
		long current = this.nextMillis;
		this.nextMillis = Math.min(this.maxMillis, current * 2);
		long jittered = current / 2 + ThreadLocalRandom.current().nextLong(current / 2 + 1);
		return Duration.ofMillis(Math.max(1, jittered));
	}

	/**
	 * Go back to the minimum delay.
	 */
	void reset() {
		this.nextMillis = this.minMillis;
	}

}
