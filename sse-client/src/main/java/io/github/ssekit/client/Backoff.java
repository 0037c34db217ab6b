package io.github.ssekit.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnection delays: the reconnection time after a healthy connection or a first
 * failure, then doubling on each consecutive failure up to a maximum, plus up to 25 %
 * jitter.
 */
final class Backoff {

	private final long maxMillis;

	private int failures;

	Backoff(long maxMillis) {
		this.maxMillis = maxMillis;
	}

	void recordHealthy() {
		this.failures = 0;
	}

	void recordFailure() {
		if (this.failures < 62) {
			this.failures++;
		}
	}

	long delayMillis(long reconnectionTime) {
		if (this.failures <= 1) {
			return reconnectionTime;
		}
		long nominal = nominalMillis(reconnectionTime);
		long jitter = ThreadLocalRandom.current().nextLong(nominal / 4 + 1);
		return (nominal > Long.MAX_VALUE - jitter) ? Long.MAX_VALUE : nominal + jitter;
	}

	private long nominalMillis(long reconnectionTime) {
		long ceiling = Math.max(reconnectionTime, this.maxMillis);
		long nominal = reconnectionTime;
		for (int i = 1; i < this.failures && nominal < ceiling; i++) {
			nominal = (nominal > ceiling / 2) ? ceiling : nominal * 2;
		}
		return Math.min(nominal, ceiling);
	}

}
