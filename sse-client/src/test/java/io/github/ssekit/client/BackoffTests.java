package io.github.ssekit.client;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Backoff}.
 */
class BackoffTests {

	private final Backoff backoff = new Backoff(1000);

	@Test
	void firstReconnectionWaitsExactlyTheReconnectionTime() {
		assertThat(this.backoff.delayMillis(100)).isEqualTo(100);
		this.backoff.recordFailure();
		assertThat(this.backoff.delayMillis(100)).isEqualTo(100);
	}

	@RepeatedTest(20)
	void consecutiveFailuresDoubleTheDelayWithUpToAQuarterOfJitter() {
		this.backoff.recordFailure();
		this.backoff.recordFailure();
		assertThat(this.backoff.delayMillis(100)).isBetween(200L, 250L);
		this.backoff.recordFailure();
		assertThat(this.backoff.delayMillis(100)).isBetween(400L, 500L);
	}

	@RepeatedTest(20)
	void delayStopsGrowingAtTheMaximum() {
		for (int i = 0; i < 100; i++) {
			this.backoff.recordFailure();
		}
		assertThat(this.backoff.delayMillis(100)).isBetween(1000L, 1250L);
	}

	@Test
	void serverReconnectionTimeAboveTheMaximumWins() {
		for (int i = 0; i < 5; i++) {
			this.backoff.recordFailure();
		}
		assertThat(this.backoff.delayMillis(5000)).isBetween(5000L, 6250L);
	}

	@Test
	void hugeReconnectionTimeDoesNotOverflow() {
		for (int i = 0; i < 5; i++) {
			this.backoff.recordFailure();
		}
		assertThat(this.backoff.delayMillis(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void healthyConnectionResetsTheBackoff() {
		for (int i = 0; i < 5; i++) {
			this.backoff.recordFailure();
		}
		this.backoff.recordHealthy();
		assertThat(this.backoff.delayMillis(100)).isEqualTo(100);
	}

}
