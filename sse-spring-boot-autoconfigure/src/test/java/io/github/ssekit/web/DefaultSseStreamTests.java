package io.github.ssekit.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.TooManyStreamsException;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.SseTransport;
import io.github.ssekit.stream.StreamObserver;
import io.github.ssekit.stream.StreamOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DefaultSseStream} against an in-memory transport whose readiness the
 * test controls, as a client that reads or stalls would.
 *
 * @author ssekit
 */
class DefaultSseStreamTests {

	private final AtomicInteger dropped = new AtomicInteger();

	private final SseStreamRegistry registry = registry(SseStreamRegistry.Settings.defaults());

	@Test
	void eventsPublishedBeforeBindAreWrittenInOrderOnBind() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		stream.publish(SseEvent.of("one"));
		stream.publish(SseEvent.of("two"));
		FakeTransport transport = new FakeTransport(stream, true);
		assertThat(transport.text()).isEmpty();
		stream.bind(transport);
		assertThat(transport.text()).isEqualTo("data: one\n\ndata: two\n\n");
		assertThat(transport.flushes).hasValue(1);
	}

	@Test
	void retryIsQueuedFirst() {
		StreamOptions options = new StreamOptions(10, 1000, OverflowPolicy.DISCONNECT, Duration.ofMillis(700), null);
		DefaultSseStream stream = this.registry.open(options);
		stream.publish(SseEvent.of("x"));
		FakeTransport transport = bind(stream);
		assertThat(transport.text()).isEqualTo("retry: 700\n\ndata: x\n\n");
	}

	@Test
	void eachEventIsFlushedWhenTheClientKeepsUp() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = bind(stream);
		for (int i = 0; i < 5; i++) {
			stream.publish(SseEvent.of(Integer.toString(i)));
		}
		assertThat(transport.writes).hasValue(5);
		assertThat(transport.flushes).hasValue(5);
	}

	@Test
	void eventsQueuedWhileClientIsBusyAreCoalescedIntoOneWrite() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		for (int i = 0; i < 10; i++) {
			stream.publish(SseEvent.of(Integer.toString(i)));
		}
		assertThat(transport.writes).hasValue(0);
		transport.becomeReady();
		assertThat(transport.writes).hasValue(1);
		assertThat(transport.flushes).hasValue(1);
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data)
			.containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
	}

	@Test
	void publishToAClientWhoseSocketIsFullOnlyQueuesUntilTheTransportSaysWritePossible() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		transport.fillOnNextWrite = true;
		stream.publish(SseEvent.of("first"));
		stream.publish(SseEvent.of("refused"));
		int checks = transport.readinessChecks.get();
		for (int i = 0; i < 100; i++) {
			stream.publish(SseEvent.of(Integer.toString(i)));
		}
		stream.heartbeat(System.nanoTime() + Duration.ofMinutes(1).toNanos(), 1);
		assertThat(transport.readinessChecks).as("isReady() calls while blocked").hasValue(checks);
		assertThat(transport.writes).hasValue(1);
		assertThat(stream.queuedEvents()).isEqualTo(101);
		transport.becomeReady();
		assertThat(stream.queuedEvents()).isZero();
		assertThat(SseParser.parse(transport.bytes())).hasSize(102);
	}

	@Test
	void writePossibleRacingTheWriterThatSawTheSocketFullLosesNoWakeUp() throws Exception {
		for (int round = 0; round < 2_000; round++) {
			DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
			FakeTransport transport = new FakeTransport(stream, false);
			stream.bind(transport);
			CountDownLatch start = new CountDownLatch(1);
			Thread container = new Thread(() -> {
				await(start);
				transport.ready.set(true);
				stream.writePossible();
			});
			container.start();
			start.countDown();
			stream.publish(SseEvent.of("x"));
			container.join();
			assertThat(stream.queuedEvents()).as("round " + round).isZero();
			stream.close();
		}
	}

	@Test
	void publishAllWritesTheBatchWithOneFlush() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = bind(stream);
		List<SseEvent> events = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			events.add(SseEvent.builder().id(Integer.toString(i)).data("event " + i).build());
		}
		stream.publishAll(events);
		assertThat(transport.writes).hasValue(1);
		assertThat(transport.flushes).hasValue(1);
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::lastEventId)
			.containsExactlyElementsOf(events.stream().map(SseEvent::id).toList());
	}

	@Test
	void publishAllLargerThanTheQueueIsWrittenAsItIsQueued() {
		StreamOptions options = new StreamOptions(4, 1_000_000, OverflowPolicy.DISCONNECT, null, null);
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = bind(stream);
		List<SseEvent> events = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			events.add(SseEvent.of(Integer.toString(i)));
		}
		stream.publishAll(events);
		assertThat(stream.isOpen()).isTrue();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data)
			.containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
	}

	@Test
	void publishAllToAStalledClientOverflowsLikePublish() {
		StreamOptions options = new StreamOptions(4, 1_000_000, OverflowPolicy.DISCONNECT, null, null);
		DefaultSseStream stream = this.registry.open(options);
		stream.bind(new FakeTransport(stream, false));
		List<SseEvent> events = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			events.add(SseEvent.of(Integer.toString(i)));
		}
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.publishAll(events))
			.withMessageContaining("QUEUE_OVERFLOW");
		assertThat(stream.closeReason()).isEqualTo(CloseReason.QUEUE_OVERFLOW);
	}

	@Test
	void publishAllRejectsNullElementsBeforePublishingAny() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = bind(stream);
		List<SseEvent> events = new ArrayList<>();
		events.add(SseEvent.of("a"));
		events.add(null);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> stream.publishAll(events))
			.withMessageContaining("events");
		assertThat(transport.writes).hasValue(0);
	}

	@Test
	void publishAfterCloseThrows() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		bind(stream);
		stream.close();
		assertThat(stream.isOpen()).isFalse();
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.publish(SseEvent.of("x")));
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.publish("e", "x"));
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.comment("x"));
	}

	@Test
	void closeWritesWhatWasPublishedThenCompletes() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		stream.publish(SseEvent.of("last words"));
		stream.close();
		assertThat(transport.completions).hasValue(0);
		transport.becomeReady();
		assertThat(transport.text()).isEqualTo("data: last words\n\n");
		assertThat(transport.completions).hasValue(1);
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void streamClosedBeforeBindCompletesOnBind() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		stream.publish(SseEvent.of("early"));
		stream.close();
		FakeTransport transport = bind(stream);
		assertThat(transport.text()).isEqualTo("data: early\n\n");
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void onCloseRunsExactlyOnceUnderConcurrentCloses() throws Exception {
		for (int round = 0; round < 200; round++) {
			DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
			bind(stream);
			AtomicInteger calls = new AtomicInteger();
			stream.onClose(calls::incrementAndGet);
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				boolean abort = (i % 2 == 0);
				Thread thread = new Thread(() -> {
					await(start);
					if (abort) {
						stream.abort(CloseReason.CLIENT_GONE, null);
					}
					else {
						stream.close();
					}
				});
				thread.start();
				threads.add(thread);
			}
			start.countDown();
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(calls).hasValue(1);
		}
	}

	@Test
	void onCloseRegisteredAfterCloseRunsAtOnce() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		stream.close();
		AtomicBoolean ran = new AtomicBoolean();
		stream.onClose(() -> ran.set(true));
		assertThat(ran).isTrue();
	}

	@Test
	void queueOverflowDisconnectsSlowClient() {
		StreamOptions options = new StreamOptions(3, 1_000_000, OverflowPolicy.DISCONNECT, null, null);
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		for (int i = 0; i < 3; i++) {
			stream.publish(SseEvent.of(Integer.toString(i)));
		}
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.publish(SseEvent.of("3")))
			.withMessageContaining("QUEUE_OVERFLOW");
		assertThat(stream.closeReason()).isEqualTo(CloseReason.QUEUE_OVERFLOW);
		assertThat(transport.completions).hasValue(1);
		assertThat(stream.queuedEvents()).isZero();
		assertThat(this.dropped).hasValue(3);
	}

	@Test
	void queueOverflowByBytesDisconnectsSlowClient() {
		StreamOptions options = new StreamOptions(1000, 100, OverflowPolicy.DISCONNECT, null, null);
		DefaultSseStream stream = this.registry.open(options);
		stream.bind(new FakeTransport(stream, false));
		stream.publish(SseEvent.of("x".repeat(80)));
		assertThatExceptionOfType(SseStreamClosedException.class)
			.isThrownBy(() -> stream.publish(SseEvent.of("y".repeat(30))));
		assertThat(stream.closeReason()).isEqualTo(CloseReason.QUEUE_OVERFLOW);
	}

	@Test
	void dropOldestKeepsNewestEventsAndCountsDrops() {
		StreamOptions options = new StreamOptions(3, 1_000_000, OverflowPolicy.DROP_OLDEST, null, null);
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		for (int i = 0; i < 10; i++) {
			stream.publish(SseEvent.of(Integer.toString(i)));
		}
		assertThat(stream.isOpen()).isTrue();
		assertThat(this.dropped).hasValue(7);
		transport.becomeReady();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data).containsExactly("7", "8", "9");
	}

	@Test
	void writeFailureClosesStreamOnce() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = bind(stream);
		AtomicInteger calls = new AtomicInteger();
		stream.onClose(calls::incrementAndGet);
		transport.failing = true;
		stream.publish(SseEvent.of("lost"));
		assertThat(stream.isOpen()).isFalse();
		assertThat(stream.closeReason()).isEqualTo(CloseReason.CLIENT_GONE);
		assertThat(calls).hasValue(1);
		assertThat(transport.completions).hasValue(1);
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void concurrentPublishersNeverInterleaveEvents() throws Exception {
		StreamOptions options = new StreamOptions(1_000_000, 1L << 30, OverflowPolicy.DISCONNECT, null, null);
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = new FakeTransport(stream, true);
		transport.flaky = true;
		stream.bind(transport);
		int threads = 8;
		int perThread = 2000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String name = "t" + t;
			futures.add(executor.submit(() -> {
				for (int i = 0; i < perThread; i++) {
					stream.publish(SseEvent.builder().event(name).data(i + "\nline two of " + i).build());
				}
			}));
		}
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		executor.shutdown();
		transport.becomeReady();
		Map<String, Integer> next = new HashMap<>();
		List<SseMessage> received = SseParser.parse(transport.bytes());
		assertThat(received).hasSize(threads * perThread);
		for (SseMessage message : received) {
			int expected = next.merge(message.type(), 1, Integer::sum) - 1;
			assertThat(message.data()).isEqualTo(expected + "\nline two of " + expected);
		}
	}

	@Test
	void heartbeatIsQueuedOnlyForIdleBoundStreams() throws Exception {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		long interval = TimeUnit.MILLISECONDS.toNanos(50);
		stream.heartbeat(System.nanoTime() + interval, interval);
		assertThat(stream.queuedEvents()).isZero();
		FakeTransport transport = bind(stream);
		stream.heartbeat(System.nanoTime(), interval);
		assertThat(transport.text()).isEmpty();
		stream.heartbeat(System.nanoTime() + interval, interval);
		assertThat(transport.text()).isEqualTo(":\n\n");
	}

	@Test
	void clientThatTakesNoBytesIsEvictedAfterWriteTimeout() throws Exception {
		SseStreamRegistry registry = registry(
				new SseStreamRegistry.Settings(null, null, Duration.ofMillis(50), null, Duration.ofSeconds(1), null));
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		transport.ready.set(false);
		stream.publish(SseEvent.of("stuck"));
		registry.tick();
		assertThat(stream.isOpen()).isTrue();
		Thread.sleep(80);
		registry.tick();
		assertThat(stream.closeReason()).isEqualTo(CloseReason.WRITE_TIMEOUT);
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void streamIsClosedAfterMaximumLifetime() throws Exception {
		SseStreamRegistry registry = registry(
				new SseStreamRegistry.Settings(null, Duration.ofMillis(30), null, null, Duration.ofSeconds(1), null));
		DefaultSseStream stream = registry.open(StreamOptions.defaults());
		FakeTransport transport = bind(stream);
		Thread.sleep(50);
		registry.tick();
		assertThat(stream.closeReason()).isEqualTo(CloseReason.MAX_LIFETIME);
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void streamsBeyondMaximumAreRefused() {
		SseStreamRegistry registry = registry(
				new SseStreamRegistry.Settings(null, null, null, null, Duration.ofSeconds(1), 2));
		DefaultSseStream first = registry.open(StreamOptions.defaults());
		registry.open(StreamOptions.defaults());
		assertThatExceptionOfType(TooManyStreamsException.class)
			.isThrownBy(() -> registry.open(StreamOptions.defaults()))
			.satisfies((ex) -> assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("5"));
		bind(first).ready.set(true);
		first.close();
		assertThat(registry.open(StreamOptions.defaults()).isOpen()).isTrue();
	}

	@Test
	void shutdownSendsFinalEventAndClosesEveryStream() {
		SseStreamRegistry registry = registry(new SseStreamRegistry.Settings(null, null, null,
				SseEvent.of("shutdown", "bye"), Duration.ofSeconds(1), null));
		registry.start();
		List<FakeTransport> transports = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			transports.add(bind(registry.open(StreamOptions.defaults())));
		}
		registry.stop();
		assertThat(registry.size()).isZero();
		assertThat(transports).allSatisfy((transport) -> {
			assertThat(transport.text()).isEqualTo("event: shutdown\ndata: bye\n\n");
			assertThat(transport.completions).hasValue(1);
		});
		assertThat(registry.open(StreamOptions.defaults()).isOpen()).isFalse();
	}

	private SseStreamRegistry registry(SseStreamRegistry.Settings settings) {
		return new SseStreamRegistry(settings, new StreamObserver() {

			@Override
			public void dropped(int events) {
				DefaultSseStreamTests.this.dropped.addAndGet(events);
			}

		});
	}

	private static FakeTransport bind(DefaultSseStream stream) {
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		return transport;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A transport that is ready, or not, as the test says, like a socket whose client
	 * reads or stalls. Only the writing thread touches it, as with a real response.
	 */
	static final class FakeTransport implements SseTransport {

		private final DefaultSseStream stream;

		private final ByteArrayOutputStream output = new ByteArrayOutputStream();

		private final ReentrantLock lock = new ReentrantLock();

		final AtomicBoolean ready;

		final AtomicInteger writes = new AtomicInteger();

		final AtomicInteger readinessChecks = new AtomicInteger();

		final AtomicInteger flushes = new AtomicInteger();

		final AtomicInteger completions = new AtomicInteger();

		final List<byte[]> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile boolean failing;

		volatile boolean flaky;

		/** Whether the socket fills with the next write, as a real one does. */
		volatile boolean fillOnNextWrite;

		FakeTransport(DefaultSseStream stream, boolean ready) {
			this.stream = stream;
			this.ready = new AtomicBoolean(ready);
		}

		@Override
		public boolean isReady() {
			this.readinessChecks.incrementAndGet();
			if (this.flaky && ThreadLocalRandom.current().nextInt(4) == 0) {
				return false;
			}
			return this.ready.get();
		}

		@Override
		public void write(byte[] bytes) throws IOException {
			if (this.failing) {
				throw new IOException("Broken pipe");
			}
			assertThat(this.lock.tryLock()).as("one writer at a time").isTrue();
			try {
				this.output.write(bytes);
				this.chunks.add(bytes);
				this.writes.incrementAndGet();
				if (this.fillOnNextWrite) {
					this.fillOnNextWrite = false;
					this.ready.set(false);
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		@Override
		public void flush() {
			this.flushes.incrementAndGet();
		}

		@Override
		public void complete() {
			this.completions.incrementAndGet();
		}

		void becomeReady() {
			this.flaky = false;
			this.ready.set(true);
			this.stream.writePossible();
		}

		byte[] bytes() {
			this.lock.lock();
			try {
				return this.output.toByteArray();
			}
			finally {
				this.lock.unlock();
			}
		}

		String text() {
			return new String(bytes(), StandardCharsets.UTF_8);
		}

		/**
		 * Wait until the given number of events was written: a producer thread's events
		 * are written on the common pool, after its last publish returned.
		 */
		List<String> awaitData(int count) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			List<SseMessage> messages = SseParser.parse(bytes());
			while (messages.size() < count && System.nanoTime() < deadline) {
				Thread.sleep(5);
				messages = SseParser.parse(bytes());
			}
			return messages.stream().map(SseMessage::data).toList();
		}

	}

}
