package io.github.ssekit.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.TooManyStreamsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what {@link SseStreamRegistry} does with requests over
 * {@code sse.max-streams}.
 *
 * @author ssekit
 */
class SseStreamRegistryLimitTests {

	@Test
	void aBurstOverTheLimitHoldsOnlyAFewRequestsWhileTheRestAreRefusedAtOnce() throws Exception {
		SseStreamRegistry registry = new SseStreamRegistry(
				new SseStreamRegistry.Settings(null, null, null, null, Duration.ofSeconds(1), 1));
		// fills the limit, and its client never goes away
		registry.open(StreamOptions.defaults());
		int requests = SseStreamRegistry.MAX_RECLAIMING * 3;
		ExecutorService threads = Executors.newFixedThreadPool(requests);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Long>> refusals = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				refusals.add(threads.submit(() -> {
					go.await();
					long started = System.nanoTime();
					try {
						registry.open(StreamOptions.defaults());
						return -1L;
					}
					catch (TooManyStreamsException ex) {
						return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
					}
				}));
			}
			go.countDown();
			List<Long> millis = new ArrayList<>();
			for (Future<Long> refusal : refusals) {
				millis.add(refusal.get(10, TimeUnit.SECONDS));
			}
			assertThat(millis).as("every request over the limit is refused")
				.allSatisfy((ms) -> assertThat(ms).isNotNegative());
			assertThat(millis.stream().filter((ms) -> ms >= 400).count()).as("requests that waited for room")
				.isLessThanOrEqualTo(SseStreamRegistry.MAX_RECLAIMING);
			assertThat(millis.stream().filter((ms) -> ms < 250).count()).as("requests refused at once")
				.isGreaterThanOrEqualTo(requests - SseStreamRegistry.MAX_RECLAIMING);
			assertThat(registry.size()).isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
