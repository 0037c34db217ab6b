package io.github.ssekit.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for when {@link SseStreamRegistry} visits its streams: heartbeats, write timeouts
 * and maximum lifetimes, on times the tests pass to {@code tick}.
 *
 * @author ssekit
 */
class SseStreamRegistryTimerTests {

	private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long SECONDS = TimeUnit.SECONDS.toNanos(1);

	@Test
	void idleStreamGetsAHeartbeatOnceItsIntervalHasPassed() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(1), null, null);
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, true);
		long opened = stream.openedAt();
		registry.tick(opened + 900 * MILLIS);
		assertThat(transport.text()).isEmpty();
		registry.tick(opened + 1300 * MILLIS);
		assertThat(transport.text()).isEqualTo(":\n\n");
		// the next is due an interval after this one went
		registry.tick(opened + 2200 * MILLIS);
		assertThat(transport.text()).isEqualTo(":\n\n");
		registry.tick(opened + 2600 * MILLIS);
		assertThat(transport.text()).isEqualTo(":\n\n:\n\n");
	}

	@Test
	void manyIdleStreamsGetOneHeartbeatEachPerInterval() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(1), null, null);
		List<Transport> transports = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 1000; i++) {
			transports.add(bind(registry.open(StreamOptions.defaults()), true));
		}
		long opened = System.nanoTime();
		registry.tick(opened + 1300 * MILLIS);
		assertThat(transports).allSatisfy((transport) -> assertThat(transport.text()).isEqualTo(":\n\n"));
		registry.tick(opened + 1800 * MILLIS);
		assertThat(transports).allSatisfy((transport) -> assertThat(transport.text()).isEqualTo(":\n\n"));
		registry.tick(opened + (opened - start) + 2600 * MILLIS);
		assertThat(transports).allSatisfy((transport) -> assertThat(transport.text()).isEqualTo(":\n\n:\n\n"));
	}

	@Test
	void streamThatPublishedSinceItWasFiledGetsItsHeartbeatAnIntervalAfterItsLastEvent() throws Exception {
		SseStreamRegistry registry = registry(Duration.ofMillis(400), null, null);
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, true);
		long opened = stream.openedAt();
		Thread.sleep(250);
		stream.publish(SseEvent.of("news"));
		long published = stream.lastEnqueuedAt();
		assertThat(published - opened).isGreaterThan(200 * MILLIS);
		// the slot it was filed in when it opened comes, but its heartbeat is not due
		registry.tick(opened + 500 * MILLIS);
		assertThat(transport.text()).isEqualTo("data: news\n\n");
		registry.tick(published + 399 * MILLIS);
		assertThat(transport.text()).isEqualTo("data: news\n\n");
		registry.tick(published + 500 * MILLIS);
		assertThat(transport.text()).isEqualTo("data: news\n\n:\n\n");
	}

	@Test
	void stalledStreamIsEvictedWhenTheWriteTimeoutHasPassedSinceItStalled() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(15), null, Duration.ofSeconds(1));
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, false);
		stream.publish(SseEvent.of("stuck"));
		long stalled = stream.stalledSince();
		assertThat(stalled).isNotZero();
		registry.tick(stalled + 999 * MILLIS);
		assertThat(stream.isOpen()).isTrue();
		registry.tick(stalled + 1250 * MILLIS);
		assertThat(stream.closeReason()).isEqualTo(CloseReason.WRITE_TIMEOUT);
		assertThat(transport.completions).isEqualTo(1);
		assertThat(registry.size()).isZero();
		assertThat(registry.timers().size()).isZero();
	}

	@Test
	void streamWhoseClientTakesBytesAgainIsNotEvicted() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(15), null, Duration.ofSeconds(1));
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, false);
		stream.publish(SseEvent.of("late"));
		long stalled = stream.stalledSince();
		transport.ready = true;
		stream.writePossible();
		assertThat(stream.stalledSince()).isZero();
		registry.tick(stalled + 5 * SECONDS);
		assertThat(stream.isOpen()).isTrue();
		assertThat(transport.text()).isEqualTo("data: late\n\n");
	}

	@Test
	void closingStreamStalledOnItsLastEventsIsEvictedAfterTheWriteTimeout() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(15), null, Duration.ofSeconds(1));
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, false);
		stream.publish(SseEvent.of("last"));
		stream.close();
		long stalled = stream.stalledSince();
		registry.tick(stalled + 500 * MILLIS);
		assertThat(registry.size()).isOne();
		registry.tick(stalled + 1250 * MILLIS);
		assertThat(registry.size()).isZero();
		assertThat(transport.completions).isEqualTo(1);
		assertThat(transport.text()).isEmpty();
	}

	@Test
	void streamIsClosedAtItsMaximumLifetimeBetweenHeartbeats() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(10), Duration.ofSeconds(1), null);
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		Transport transport = bind(stream, true);
		long opened = stream.openedAt();
		registry.tick(opened + 900 * MILLIS);
		assertThat(stream.isOpen()).isTrue();
		registry.tick(opened + 1300 * MILLIS);
		assertThat(stream.closeReason()).isEqualTo(CloseReason.MAX_LIFETIME);
		assertThat(transport.completions).isEqualTo(1);
		assertThat(transport.text()).isEmpty();
	}

	@Test
	void closedStreamsLeaveTheWheelAtOnce() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(15), Duration.ofHours(1), Duration.ofSeconds(30));
		List<DefaultSseStream> streams = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			DefaultSseStream stream = registry.open(StreamOptions.defaults());
			bind(stream, true);
			streams.add(stream);
		}
		registry.tick(System.nanoTime());
		assertThat(registry.timers().size()).isEqualTo(100);
		streams.forEach(DefaultSseStream::close);
		assertThat(registry.size()).isZero();
		assertThat(registry.timers().size()).isZero();
	}

	@Test
	void shutdownLeavesNoStreamInTheWheel() {
		SseStreamRegistry registry = registry(Duration.ofSeconds(15), null, Duration.ofSeconds(30));
		for (int i = 0; i < 10; i++) {
			bind(registry.open(StreamOptions.defaults()), true);
		}
		registry.stop();
		assertThat(registry.size()).isZero();
		registry.tick(System.nanoTime());
		assertThat(registry.timers().size()).isZero();
	}

	private static SseStreamRegistry registry(@Nullable Duration heartbeat, @Nullable Duration lifetime,
			@Nullable Duration writeTimeout) {
		return new SseStreamRegistry(
				new SseStreamRegistry.Settings(heartbeat, lifetime, writeTimeout, null, Duration.ofSeconds(1), null));
	}

	private static Transport bind(DefaultSseStream stream, boolean ready) {
		Transport transport = new Transport();
		transport.ready = ready;
		stream.bind(transport);
		return transport;
	}

	/**
	 * A transport that keeps what is flushed to it.
	 */
	static final class Transport implements SseTransport {

		private final ByteArrayOutputStream written = new ByteArrayOutputStream();

		private final ByteArrayOutputStream flushed = new ByteArrayOutputStream();

		volatile boolean ready;

		volatile int completions;

		@Override
		public boolean isReady() {
			return this.ready;
		}

		@Override
		public synchronized void write(byte[] bytes) {
			this.written.writeBytes(bytes);
		}

		@Override
		public synchronized void flush() {
			this.flushed.writeBytes(this.written.toByteArray());
			this.written.reset();
		}

		@Override
		public void complete() {
			this.completions++;
		}

		synchronized String text() {
			return this.flushed.toString(StandardCharsets.UTF_8);
		}

	}

}
