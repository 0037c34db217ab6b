package io.github.ssekit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.SseTransport;
import io.github.ssekit.stream.StreamOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the pacing side of {@link DefaultSseStream}: a producer thread that waits for
 * room, {@code tryPublish} and {@code onWritable} for asynchronous code, and events
 * larger than the queue's byte limit.
 *
 * @author ssekit
 */
class PacedStreamTests {

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults());

	@Test
	void producerWaitsWhileTheQueueIsFullAndLosesNothing() throws Exception {
		DefaultSseStream stream = this.registry.open(options(10, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		AtomicInteger published = new AtomicInteger();
		Thread producer = countingProducer(stream, 100, (i) -> SseEvent.of(Integer.toString(i)), published);
		awaitWaiting(producer);
		assertThat(published).hasValue(10);
		assertThat(stream.queuedEvents()).isEqualTo(10);
		assertThat(stream.isOpen()).isTrue();
		transport.becomeReady();
		producer.join(5000);
		assertThat(producer.isAlive()).isFalse();
		assertThat(transport.awaitData(100)).containsExactlyElementsOf(numbers(100));
		assertThat(stream.isOpen()).isTrue();
	}

	@Test
	void producerResumesOnlyOnceTheQueueIsHalfEmpty() throws Exception {
		DefaultSseStream stream = this.registry.open(options(10, 1_000_000));
		LimitedTransport transport = new LimitedTransport(stream);
		stream.bind(transport);
		AtomicInteger published = new AtomicInteger();
		Thread producer = countingProducer(stream, 30, PacedStreamTests::uncoalesced, published);
		awaitWaiting(producer);
		assertThat(published).hasValue(10);
		transport.allow(3);
		Thread.sleep(100);
		assertThat(published).as("3 taken of 10: still more than half full").hasValue(10);
		transport.allow(2);
		awaitWaiting(producer);
		assertThat(published).as("5 taken: half empty, the producer refilled the queue").hasValue(15);
		assertThat(stream.queuedEvents()).isEqualTo(10);
	}

	@Test
	void publishAllOnTheProducerThreadWaitsRatherThanOverflows() throws Exception {
		DefaultSseStream stream = this.registry.open(options(5, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		List<SseEvent> batch = new ArrayList<>();
		numbers(50).forEach((n) -> batch.add(SseEvent.of(n)));
		Thread producer = producer(stream, () -> stream.publishAll(batch));
		awaitWaiting(producer);
		assertThat(stream.isOpen()).isTrue();
		transport.becomeReady();
		producer.join(5000);
		assertThat(transport.awaitData(50)).containsExactlyElementsOf(numbers(50));
	}

	@Test
	void waitingProducerThrowsWhenTheStreamIsEvicted() throws Exception {
		DefaultSseStream stream = this.registry.open(options(3, 1_000_000));
		stream.bind(new FakeTransport(stream, false));
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread producer = producer(stream, () -> {
			try {
				while (true) {
					stream.publish(SseEvent.of("x"));
				}
			}
			catch (SseStreamClosedException ex) {
				failure.set(ex);
			}
		});
		awaitWaiting(producer);
		stream.abort(CloseReason.WRITE_TIMEOUT, null);
		producer.join(5000);
		assertThat(failure.get()).isInstanceOf(SseStreamClosedException.class).hasMessageContaining("WRITE_TIMEOUT");
	}

	@Test
	void producerThatOutrunsAnUnboundResponseWaitsForIt() throws Exception {
		DefaultSseStream stream = this.registry.open(options(100, 1_000_000));
		Thread producer = producer(stream, () -> {
			for (int i = 0; i < 10_000; i++) {
				stream.publish(SseEvent.of(Integer.toString(i)));
			}
		});
		awaitWaiting(producer);
		assertThat(stream.queuedEvents()).isEqualTo(100);
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		producer.join(10_000);
		assertThat(transport.awaitData(10_000)).containsExactlyElementsOf(numbers(10_000));
	}

	@Test
	void producerWaitingForAResponseThatNeverComesGivesUpAfterTheWriteTimeout() throws Exception {
		SseStreamRegistry registry = new SseStreamRegistry(
				new SseStreamRegistry.Settings(null, null, Duration.ofMillis(300), null, Duration.ofSeconds(1), null));
		DefaultSseStream stream = registry.open(options(2, 1_000_000));
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread producer = producer(stream, () -> {
			try {
				for (int i = 0; i < 3; i++) {
					stream.publish(SseEvent.of("x"));
				}
			}
			catch (SseStreamClosedException ex) {
				failure.set(ex);
			}
		});
		producer.join(5000);
		assertThat(failure.get()).hasMessageContaining("WRITE_TIMEOUT");
	}

	@Test
	void otherThreadsStillOverflowWhileTheProducerIsPaced() throws Exception {
		DefaultSseStream stream = this.registry.open(options(3, 1_000_000));
		stream.bind(new FakeTransport(stream, false));
		Thread producer = producer(stream, () -> stream.publish(SseEvent.of("mine")));
		producer.join(5000);
		stream.publish(SseEvent.of("1"));
		stream.publish(SseEvent.of("2"));
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.publish(SseEvent.of("3")));
		assertThat(stream.closeReason()).isEqualTo(CloseReason.QUEUE_OVERFLOW);
	}

	@Test
	void interruptedProducerEndsTheStreamAndKeepsItsInterruptStatus() throws Exception {
		DefaultSseStream stream = this.registry.open(options(2, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		AtomicReference<Boolean> interrupted = new AtomicReference<>();
		Thread producer = producer(stream, () -> {
			try {
				for (int i = 0; i < 5; i++) {
					stream.publish(SseEvent.of(Integer.toString(i)));
				}
			}
			catch (SseStreamClosedException ex) {
				interrupted.set(Thread.currentThread().isInterrupted());
			}
		});
		awaitWaiting(producer);
		producer.interrupt();
		producer.join(5000);
		assertThat(interrupted.get()).isTrue();
		assertThat(stream.isOpen()).isFalse();
		transport.becomeReady();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data).containsExactly("0", "1");
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void tryPublishReportsAFullQueueWithoutEvicting() {
		DefaultSseStream stream = this.registry.open(options(2, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		assertThat(stream.tryPublish(SseEvent.of("a"))).isTrue();
		assertThat(stream.tryPublish(SseEvent.of("b"))).isTrue();
		assertThat(stream.tryPublish(SseEvent.of("c"))).isFalse();
		assertThat(stream.isOpen()).isTrue();
		transport.becomeReady();
		assertThat(stream.tryPublish(SseEvent.of("c"))).isTrue();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data).containsExactly("a", "b", "c");
		stream.close();
		assertThatExceptionOfType(SseStreamClosedException.class).isThrownBy(() -> stream.tryPublish(SseEvent.of("d")));
	}

	@Test
	void onWritableRunsOnceWhenTheQueueHasDrained() {
		DefaultSseStream stream = this.registry.open(options(4, 1_000_000));
		LimitedTransport transport = new LimitedTransport(stream);
		stream.bind(transport);
		for (int i = 0; i < 4; i++) {
			assertThat(stream.tryPublish(uncoalesced(i))).isTrue();
		}
		AtomicInteger calls = new AtomicInteger();
		stream.onWritable(calls::incrementAndGet);
		assertThat(calls).hasValue(0);
		transport.allow(1);
		assertThat(calls).as("3 of 4 still queued").hasValue(0);
		transport.allow(1);
		assertThat(calls).as("half empty").hasValue(1);
		transport.allow(2);
		assertThat(calls).as("runs once per registration").hasValue(1);
		stream.onWritable(calls::incrementAndGet);
		assertThat(calls).as("runs at once when there is room").hasValue(2);
	}

	@Test
	void onWritableRunsWhenTheStreamCloses() {
		DefaultSseStream stream = this.registry.open(options(1, 1_000_000));
		stream.bind(new FakeTransport(stream, false));
		stream.tryPublish(SseEvent.of("a"));
		AtomicInteger calls = new AtomicInteger();
		stream.onWritable(calls::incrementAndGet);
		stream.abort(CloseReason.CLIENT_GONE, null);
		assertThat(calls).hasValue(1);
	}

	@Test
	void asynchronousPublisherPacedByTryPublishAndOnWritableLosesNothing() throws Exception {
		DefaultSseStream stream = this.registry.open(options(8, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, true);
		transport.flaky = true;
		stream.bind(transport);
		ConcurrentLinkedQueue<SseEvent> pending = new ConcurrentLinkedQueue<>();
		numbers(5000).forEach((n) -> pending.add(SseEvent.of(n)));
		CompletableFuture<Void> done = new CompletableFuture<>();
		Runnable[] send = new Runnable[1];
		send[0] = () -> {
			SseEvent next;
			while ((next = pending.peek()) != null) {
				if (!stream.tryPublish(next)) {
					stream.onWritable(() -> CompletableFuture.runAsync(send[0]));
					return;
				}
				pending.poll();
			}
			done.complete(null);
		};
		CompletableFuture.runAsync(send[0]);
		while (!done.isDone()) {
			transport.becomeReady();
			transport.flaky = true;
			Thread.sleep(1);
		}
		transport.becomeReady();
		assertThat(stream.isOpen()).isTrue();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data)
			.containsExactlyElementsOf(numbers(5000));
	}

	@Test
	void eventLargerThanTheByteLimitIsWrittenWhenAloneAndNeverEvicts() {
		DefaultSseStream stream = this.registry.open(options(100, 100));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		String large = "x".repeat(1000);
		stream.publish(SseEvent.of(large));
		assertThat(stream.isOpen()).isTrue();
		transport.becomeReady();
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data).containsExactly(large);
		stream.publish(SseEvent.of(large));
		assertThat(stream.isOpen()).isTrue();
	}

	@Test
	void producerPublishingEventsLargerThanTheByteLimitWaitsForEachToBeWritten() throws Exception {
		DefaultSseStream stream = this.registry.open(options(100, 100));
		LimitedTransport transport = new LimitedTransport(stream);
		stream.bind(transport);
		AtomicInteger published = new AtomicInteger();
		Thread producer = countingProducer(stream, 3, (i) -> SseEvent.of(i + "x".repeat(500)), published);
		awaitWaiting(producer);
		assertThat(published).hasValue(1);
		transport.allow(1);
		awaitWaiting(producer);
		assertThat(published).hasValue(2);
		transport.allow(10);
		producer.join(5000);
		assertThat(published).hasValue(3);
		assertThat(stream.isOpen()).isTrue();
	}

	@Test
	void heartbeatIsNotQueuedWhileEventsWait() {
		DefaultSseStream stream = this.registry.open(options(2, 1_000_000));
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		stream.publish(SseEvent.of("a"));
		stream.publish(SseEvent.of("b"));
		stream.heartbeat(System.nanoTime() + TimeUnit.HOURS.toNanos(1), 1);
		assertThat(stream.isOpen()).as("a full queue is not overflowed by a heartbeat").isTrue();
		assertThat(stream.queuedEvents()).isEqualTo(2);
	}

	@Test
	void producerLoopIsWrittenOnAPoolThreadThatCoalescesWhatWasQueuedMeanwhile() throws Exception {
		DefaultSseStream stream = this.registry.open(options(1000, 1_000_000));
		SlowTransport transport = new SlowTransport();
		stream.bind(transport);
		Thread producer = producer(stream, () -> {
			for (int i = 0; i < 200; i++) {
				stream.publish(SseEvent.of(Integer.toString(i)));
			}
		});
		producer.join(5000);
		assertThat(producer.isAlive()).isFalse();
		transport.awaitEvents(200);
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data)
			.containsExactlyElementsOf(numbers(200));
		assertThat(transport.writers).as("threads that wrote").doesNotContain(producer);
		assertThat(transport.writes.get()).as("writes of 200 events, each write taking 5 ms").isLessThan(20);
	}

	@Test
	void publishFromAnotherThreadIsWrittenOnThatThread() throws Exception {
		DefaultSseStream stream = this.registry.open(options(1000, 1_000_000));
		SlowTransport transport = new SlowTransport();
		stream.bind(transport);
		stream.publish(SseEvent.of("a"));
		assertThat(transport.writers).containsExactly(Thread.currentThread());
		assertThat(SseParser.parse(transport.bytes())).extracting(SseMessage::data).containsExactly("a");
	}

	/**
	 * An event too large for the writer to coalesce with the next, so that each write of
	 * a {@link LimitedTransport} takes one event.
	 */
	static SseEvent uncoalesced(int n) {
		return SseEvent.of(n + "x".repeat(16 * 1024));
	}

	static StreamOptions options(int maxEvents, long maxBytes) {
		return new StreamOptions(maxEvents, maxBytes, OverflowPolicy.DISCONNECT, null, null);
	}

	static List<String> numbers(int count) {
		List<String> numbers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			numbers.add(Integer.toString(i));
		}
		return numbers;
	}

	/**
	 * Start a thread that is the stream's producer, as {@code create(producer)} makes it.
	 */
	static Thread producer(DefaultSseStream stream, Runnable body) {
		Thread thread = new Thread(() -> {
			stream.pacedBy(Thread.currentThread());
			body.run();
		}, "test-producer");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * Start a producer that publishes {@code count} events, counting each once
	 * {@code publish} returned.
	 */
	static Thread countingProducer(DefaultSseStream stream, int count, IntFunction<SseEvent> event,
			AtomicInteger published) {
		return producer(stream, () -> {
			for (int i = 0; i < count; i++) {
				stream.publish(event.apply(i));
				published.incrementAndGet();
			}
		});
	}

	static void awaitWaiting(Thread thread) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
			assertThat(System.nanoTime()).as("thread waits").isLessThan(deadline);
			assertThat(thread.isAlive()).as("thread still runs").isTrue();
			Thread.sleep(5);
		}
		Thread.sleep(20);
		assertThat(thread.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
	}

	/**
	 * A transport whose every write takes 5 ms, like a socket write to a distant client,
	 * and that records which threads wrote.
	 */
	static final class SlowTransport implements SseTransport {

		private final java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();

		final AtomicInteger writes = new AtomicInteger();

		final Set<Thread> writers = ConcurrentHashMap.newKeySet();

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void write(byte[] bytes) {
			this.writers.add(Thread.currentThread());
			this.writes.incrementAndGet();
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			synchronized (this.output) {
				this.output.writeBytes(bytes);
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
		}

		byte[] bytes() {
			synchronized (this.output) {
				return this.output.toByteArray();
			}
		}

		void awaitEvents(int count) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (SseParser.parse(bytes()).size() < count) {
				assertThat(System.nanoTime()).as(count + " events written").isLessThan(deadline);
				Thread.sleep(5);
			}
		}

	}

	/**
	 * A transport that takes a given number of writes, then stalls, like a client that
	 * reads a little at a time.
	 */
	static final class LimitedTransport implements SseTransport {

		private final DefaultSseStream stream;

		private final AtomicInteger allowed = new AtomicInteger();

		final List<byte[]> written = new java.util.concurrent.CopyOnWriteArrayList<>();

		LimitedTransport(DefaultSseStream stream) {
			this.stream = stream;
		}

		void allow(int writes) {
			this.allowed.addAndGet(writes);
			this.stream.writePossible();
		}

		@Override
		public boolean isReady() {
			return this.allowed.get() > 0;
		}

		@Override
		public void write(byte[] bytes) {
			this.allowed.decrementAndGet();
			this.written.add(bytes);
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
		}

	}

}
