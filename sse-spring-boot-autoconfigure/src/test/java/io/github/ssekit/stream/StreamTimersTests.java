package io.github.ssekit.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamTimers}, on a clock the tests move themselves.
 *
 * @author ssekit
 */
class StreamTimersTests {

	private static final long ORIGIN = 1_000_000L;

	private static final long TICK = 1_000L;

	private final SseStreamRegistry registry = new SseStreamRegistry(
			new SseStreamRegistry.Settings(null, null, null, null, Duration.ofSeconds(1), null));

	private final StreamTimers timers = new StreamTimers(ORIGIN, TICK, 15 * TICK);

	private final List<DefaultSseStream> visited = new ArrayList<>();

	@Test
	void wheelHasAPowerOfTwoOfSlotsCoveringTheHorizon() {
		assertThat(this.timers.slots()).isEqualTo(16);
		assertThat(new StreamTimers(ORIGIN, TICK, 100 * TICK).slots()).isEqualTo(128);
		assertThat(new StreamTimers(ORIGIN, TICK, Long.MAX_VALUE / 2).slots()).isEqualTo(4096);
	}

	@Test
	void nextTickBeginsWithinOneTick() {
		assertThat(this.timers.nanosToNextTick(at(3))).isEqualTo(TICK);
		assertThat(this.timers.nanosToNextTick(at(3) + 1)).isEqualTo(TICK - 1);
		assertThat(this.timers.nanosToNextTick(at(4) - 1)).isEqualTo(1);
		assertThat(this.timers.nanosToNextTick(ORIGIN - 1)).isEqualTo(1);
	}

	@Test
	void streamIsVisitedOnceWhenItIsDueAndNotBefore() {
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(5) - TICK / 2);
		advanceTo(at(4));
		assertThat(this.visited).isEmpty();
		advanceTo(at(5) - 1);
		assertThat(this.visited).isEmpty();
		advanceTo(at(5));
		assertThat(this.visited).containsExactly(stream);
		advanceTo(at(40));
		assertThat(this.visited).containsExactly(stream);
		assertThat(this.timers.size()).isZero();
	}

	@Test
	void eachAdvanceVisitsOnlyTheStreamsDueThen() {
		List<DefaultSseStream> streams = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			DefaultSseStream stream = stream();
			streams.add(stream);
			this.timers.schedule(stream, at(1 + (i % 10)));
		}
		for (int tick = 1; tick <= 10; tick++) {
			this.visited.clear();
			advanceTo(at(tick));
			assertThat(this.visited).hasSize(10);
			for (DefaultSseStream stream : this.visited) {
				assertThat(streams.indexOf(stream) % 10).isEqualTo(tick - 1);
			}
		}
	}

	@Test
	void streamFiledAgainByTheVisitorIsVisitedOncePerInterval() {
		Map<DefaultSseStream, Integer> visits = new ConcurrentHashMap<>();
		for (int i = 0; i < 50; i++) {
			this.timers.schedule(stream(), at(1 + (i % 15)));
		}
		for (int tick = 1; tick <= 60; tick++) {
			this.timers.advance(at(tick), (stream, now) -> {
				visits.merge(stream, 1, Integer::sum);
				this.timers.schedule(stream, now + 15 * TICK);
			});
		}
		assertThat(visits).hasSize(50);
		assertThat(visits.values()).allSatisfy((count) -> assertThat(count).isEqualTo(4));
	}

	@Test
	void earlierTimeReplacesTheLaterOne() {
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(10));
		this.timers.schedule(stream, at(3));
		advanceTo(at(3));
		assertThat(this.visited).containsExactly(stream);
		advanceTo(at(20));
		assertThat(this.visited).containsExactly(stream);
		assertThat(this.timers.size()).isZero();
	}

	@Test
	void laterTimeIsIgnoredWhileAnEarlierOneIsFiled() {
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(3));
		this.timers.schedule(stream, at(10));
		advanceTo(at(3));
		assertThat(this.visited).containsExactly(stream);
		advanceTo(at(20));
		assertThat(this.visited).containsExactly(stream);
	}

	@Test
	void cancelledStreamIsNeitherVisitedNorHeld() {
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(3));
		advanceTo(at(1));
		this.timers.cancel(stream);
		assertThat(this.timers.size()).isZero();
		this.timers.schedule(stream, at(5));
		advanceTo(at(20));
		assertThat(this.visited).isEmpty();
		assertThat(this.timers.size()).isZero();
	}

	@Test
	void streamDueBeyondOneTurnWaitsForItsTurn() {
		DefaultSseStream stream = stream();
		int slots = this.timers.slots();
		this.timers.schedule(stream, at(slots + 3));
		for (int tick = 1; tick < slots + 3; tick++) {
			advanceTo(at(tick));
		}
		assertThat(this.visited).isEmpty();
		advanceTo(at(slots + 3));
		assertThat(this.visited).containsExactly(stream);
	}

	@Test
	void lateAdvanceVisitsEverythingDueByThen() {
		DefaultSseStream soon = stream();
		DefaultSseStream later = stream();
		DefaultSseStream future = stream();
		this.timers.schedule(soon, at(2));
		this.timers.schedule(later, at(3 * this.timers.slots()));
		this.timers.schedule(future, at(5 * this.timers.slots()));
		advanceTo(at(4 * this.timers.slots()));
		assertThat(this.visited).containsExactlyInAnyOrder(soon, later);
		advanceTo(at(5 * this.timers.slots()));
		assertThat(this.visited).containsExactlyInAnyOrder(soon, later, future);
	}

	@Test
	void streamFiledForThePastIsVisitedOnTheNextTick() {
		advanceTo(at(10));
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(2));
		advanceTo(at(10) + TICK / 2);
		assertThat(this.visited).isEmpty();
		advanceTo(at(11));
		assertThat(this.visited).containsExactly(stream);
	}

	@Test
	void streamFiledByTheVisitorForNowIsVisitedOnTheNextAdvanceNotInALoop() {
		DefaultSseStream stream = stream();
		this.timers.schedule(stream, at(1));
		List<Long> visits = new ArrayList<>();
		StreamTimers.Visitor again = (visitedStream, now) -> {
			visits.add(now);
			this.timers.schedule(visitedStream, now);
		};
		this.timers.advance(at(1), again);
		assertThat(visits).containsExactly(at(1));
		this.timers.advance(at(1), again);
		this.timers.advance(at(2), again);
		assertThat(visits).containsExactly(at(1), at(2));
	}

	@Test
	void streamsFiledAndCancelledFromManyThreadsWhileTheWheelAdvancesAreEachVisitedOnce() throws Exception {
		int threads = 8;
		int perThread = 2_000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		Map<DefaultSseStream, Integer> visits = new ConcurrentHashMap<>();
		List<DefaultSseStream> cancelled = new ArrayList<>();
		StreamTimers.Visitor count = (stream, now) -> visits.merge(stream, 1, Integer::sum);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<List<DefaultSseStream>>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					go.await();
					List<DefaultSseStream> gone = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						DefaultSseStream stream = stream();
						this.timers.schedule(stream, at(50 + (i % 20)));
						this.timers.schedule(stream, at(45 + (i % 7)));
						if (i % 10 == 0) {
							this.timers.cancel(stream);
							gone.add(stream);
						}
					}
					return gone;
				}));
			}
			go.countDown();
			for (int tick = 0; tick <= 40; tick++) {
				this.timers.advance(at(tick), count);
			}
			for (Future<List<DefaultSseStream>> future : futures) {
				cancelled.addAll(future.get(30, TimeUnit.SECONDS));
			}
			for (int tick = 41; tick <= 80; tick++) {
				this.timers.advance(at(tick), count);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(cancelled).hasSize(threads * perThread / 10);
		assertThat(visits).hasSize(threads * perThread - cancelled.size());
		assertThat(visits.values()).allSatisfy((visitCount) -> assertThat(visitCount).isEqualTo(1));
		assertThat(visits.keySet()).doesNotContainAnyElementsOf(cancelled);
		assertThat(this.timers.size()).isZero();
	}

	private DefaultSseStream stream() {
		return new DefaultSseStream(this.registry, StreamOptions.defaults(), null);
	}

	private void advanceTo(long now) {
		this.timers.advance(now, (stream, time) -> this.visited.add(stream));
	}

	private static long at(long tick) {
		return ORIGIN + tick * TICK;
	}

}
