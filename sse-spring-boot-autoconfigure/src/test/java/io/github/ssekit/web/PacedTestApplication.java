package io.github.ssekit.web;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.stream.DefaultSseStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application of the back-pressure integration tests: a producer loop as the README
 * shows it, and reactive sources, each with a {@link Probe} that tells the tests how far
 * the producer or the source got.
 *
 * @author ssekit
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(PacedTestApplication.PacedController.class)
class PacedTestApplication {

	@Bean
	Probe pacedProbe() {
		return new Probe();
	}

	/**
	 * What the producer or the source of the one stream a test opens has done.
	 */
	static class Probe {

		final AtomicReference<@Nullable DefaultSseStream> stream = new AtomicReference<>();

		/** Events the producer published, or elements the source emitted. */
		final AtomicLong published = new AtomicLong();

		/** Elements the source was asked for. */
		final AtomicLong requested = new AtomicLong();

		/** The most elements the source was ever asked for and had not emitted. */
		final AtomicLong maxOutstanding = new AtomicLong();

		final AtomicReference<@Nullable Throwable> producerFailure = new AtomicReference<>();

		final CountDownLatch producerDone = new CountDownLatch(1);

		final CountDownLatch cancelled = new CountDownLatch(1);

		long outstanding() {
			return this.requested.get() - this.published.get();
		}

	}

	@RestController
	static class PacedController {

		private final SseStreamFactory streams;

		private final Probe probe;

		PacedController(SseStreamFactory streams, Probe probe) {
			this.streams = streams;
			this.probe = probe;
		}

		/**
		 * The README's producer form: a plain loop of {@code publish} calls, paced by the
		 * client.
		 */
		@GetMapping("/loop")
		SseStream loop(@RequestParam long count) {
			return track(this.streams.create((stream) -> {
				try {
					for (long i = 0; i < count; i++) {
						stream.publish(SseEvent.of(Long.toString(i)));
						this.probe.published.incrementAndGet();
					}
				}
				catch (RuntimeException ex) {
					this.probe.producerFailure.set(ex);
					throw ex;
				}
				finally {
					this.probe.producerDone.countDown();
				}
			}));
		}

		@GetMapping("/range")
		SseStream range(@RequestParam int count) {
			Flux<String> source = Flux.range(0, count).doOnRequest((n) -> {
				long outstanding = this.probe.requested.addAndGet(n) - this.probe.published.get();
				this.probe.maxOutstanding.accumulateAndGet(outstanding, Math::max);
			})
				.doOnNext((element) -> this.probe.published.incrementAndGet())
				.doOnCancel(this.probe.cancelled::countDown)
				.map(String::valueOf);
			return track(this.streams.from(source));
		}

		@GetMapping("/failing")
		SseStream failing() {
			Flux<String> source = Flux.concat(Flux.just("a", "b"),
					Flux.error(new IllegalStateException("upstream failed")));
			return track(this.streams.from(source, null, (ex) -> SseEvent.of("error", ex.getMessage())));
		}

		private SseStream track(SseStream stream) {
			this.probe.stream.set((DefaultSseStream) stream);
			return stream;
		}

	}

}
