package io.github.ssekit.web;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for streams fed by reactive sources ({@link DefaultSseStreamFactory#from}):
 * demand that follows the queue, cancellation, completion and errors.
 *
 * @author ssekit
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveSourceTests {

	private static final Executor NO_PRODUCERS = (task) -> {
		throw new IllegalStateException("no producers here");
	};

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults());

	@Test
	void demandNeverExceedsTheQueuesRoomAndEveryElementArrivesInOrder() throws Exception {
		DefaultSseStreamFactory factory = factory(50);
		CountingRange source = new CountingRange(20_000);
		DefaultSseStream stream = (DefaultSseStream) factory.from(source);
		FakeTransport transport = new FakeTransport(stream, false);
		stream.bind(transport);
		assertThat(source.maxOutstanding.get()).isLessThanOrEqualTo(50);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (transport.completions.get() == 0) {
			assertThat(System.nanoTime()).as("source completes").isLessThan(deadline);
			transport.flaky = true;
			transport.becomeReady();
			transport.ready.set(false);
			assertThat(stream.queuedEvents()).isLessThanOrEqualTo(50);
		}
		assertThat(source.maxOutstanding.get()).as("outstanding demand").isLessThanOrEqualTo(50);
		assertThat(SseParser.parse(transport.bytes())).hasSize(20_000)
			.extracting(SseMessage::data)
			.startsWith("0", "1", "2")
			.endsWith("19998", "19999");
		assertThat(source.cancelled).isFalse();
	}

	@Test
	void stalledClientStopsTheSourceAtTheQueuesLimit() {
		DefaultSseStreamFactory factory = factory(20);
		CountingRange source = new CountingRange(1_000_000);
		DefaultSseStream stream = (DefaultSseStream) factory.from(source);
		stream.bind(new FakeTransport(stream, false));
		assertThat(source.emitted.get()).isEqualTo(20);
		assertThat(stream.isOpen()).isTrue();
	}

	@Test
	void closingTheStreamCancelsTheSubscription() {
		AtomicBoolean cancelled = new AtomicBoolean();
		DefaultSseStream stream = (DefaultSseStream) factory(10)
			.from(Flux.interval(Duration.ofHours(1)).doOnCancel(() -> cancelled.set(true)));
		stream.bind(new FakeTransport(stream, true));
		assertThat(cancelled).isFalse();
		stream.abort(CloseReason.CLIENT_GONE, null);
		assertThat(cancelled).isTrue();
	}

	@Test
	void fluxElementsAreConvertedByTypeAndCompletionEndsTheResponse() {
		DefaultSseStream stream = (DefaultSseStream) factory(10)
			.from(Flux.just(SseEvent.of("named", "event"), new StringBuilder("text"), new Point(1, 2)));
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		assertThat(SseParser.parse(transport.bytes())).containsExactly(new SseMessage("named", "event", ""),
				new SseMessage("message", "text", ""), new SseMessage("message", "json:Point[x=1, y=2]", ""));
		assertThat(transport.completions).hasValue(1);
		assertThat(stream.isOpen()).isFalse();
	}

	@Test
	void mapperTurnsElementsIntoEvents() {
		DefaultSseStream stream = (DefaultSseStream) factory(10).from(Mono.just("hi"),
				(String token) -> SseEvent.of("token", token.toUpperCase()));
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		assertThat(transport.text()).isEqualTo("event: token\ndata: HI\n\n");
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void errorSendsTheErrorEventClosesTheStreamAndIsLoggedOnce(CapturedOutput output) {
		Flux<String> failing = Flux.concat(Flux.just("a", "b"), Flux.error(new IllegalStateException("source boom")));
		DefaultSseStream stream = (DefaultSseStream) factory(10).from(failing, null,
				(ex) -> SseEvent.of("error", "cut short"));
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		assertThat(transport.text()).isEqualTo("data: a\n\ndata: b\n\nevent: error\ndata: cut short\n\n");
		assertThat(transport.completions).hasValue(1);
		assertThat(output.toString().split("SSE source failed", -1)).hasSize(2);
		assertThat(output).contains("WARN").contains("java.lang.IllegalStateException: source boom");
	}

	@Test
	void failingMapperCancelsTheSourceAndClosesTheStream() {
		AtomicBoolean cancelled = new AtomicBoolean();
		DefaultSseStream stream = (DefaultSseStream) factory(10)
			.from(Flux.range(0, 10).doOnCancel(() -> cancelled.set(true)), (Integer n) -> {
				if (n == 2) {
					throw new IllegalArgumentException("bad element");
				}
				return SseEvent.of(Integer.toString(n));
			});
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		assertThat(cancelled).isTrue();
		assertThat(transport.text()).isEqualTo("data: 0\n\ndata: 1\n\n");
		assertThat(transport.completions).hasValue(1);
	}

	@Test
	void unsupportedSourceIsRejectedNamingItsType() {
		int before = this.registry.size();
		assertThatIllegalArgumentException().isThrownBy(() -> factory(10).from("not a publisher"))
			.withMessageContaining("java.lang.String");
		assertThat(this.registry.size()).isEqualTo(before);
	}

	private DefaultSseStreamFactory factory(int maxEvents) {
		StreamOptions options = new StreamOptions(maxEvents, 1_000_000, OverflowPolicy.DISCONNECT, null,
				(data) -> "json:" + data);
		return new DefaultSseStreamFactory(this.registry, options, NO_PRODUCERS);
	}

	record Point(int x, int y) {
	}

	/**
	 * A {@link Flow.Publisher} of the numbers from zero, which emits on request, on the
	 * requesting thread, and records the most demand that was ever outstanding.
	 */
	static final class CountingRange implements Flow.Publisher<String> {

		private final int count;

		final AtomicLong maxOutstanding = new AtomicLong();

		final AtomicInteger emitted = new AtomicInteger();

		volatile boolean cancelled;

		CountingRange(int count) {
			this.count = count;
		}

		@Override
		public void subscribe(Flow.Subscriber<? super String> subscriber) {
			AtomicLong requested = new AtomicLong();
			AtomicInteger emitting = new AtomicInteger();
			subscriber.onSubscribe(new Flow.Subscription() {

				@Override
				public void request(long n) {
					long outstanding = requested.addAndGet(n);
					CountingRange.this.maxOutstanding.accumulateAndGet(outstanding, Math::max);
					if (emitting.getAndIncrement() != 0) {
						return;
					}
					do {
						while (requested.get() > 0 && !CountingRange.this.cancelled
								&& CountingRange.this.emitted.get() < CountingRange.this.count) {
							requested.decrementAndGet();
							subscriber.onNext(Integer.toString(CountingRange.this.emitted.getAndIncrement()));
						}
						if (CountingRange.this.emitted.get() == CountingRange.this.count
								&& !CountingRange.this.cancelled) {
							CountingRange.this.cancelled = true;
							subscriber.onComplete();
							CountingRange.this.cancelled = false;
							return;
						}
					}
					while (emitting.decrementAndGet() != 0);
				}

				@Override
				public void cancel() {
					CountingRange.this.cancelled = true;
				}

			});
		}

	}

}
