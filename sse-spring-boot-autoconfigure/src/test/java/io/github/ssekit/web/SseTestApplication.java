package io.github.ssekit.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the integration tests run: endpoints that exercise each part of the
 * stream API, and a {@link Probe} through which tests see what happened on the server.
 *
 * @author ssekit
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({ SseTestApplication.TestController.class, SseTestApplication.OwnErrorHandlingController.class })
class SseTestApplication {

	@Bean
	Probe probe() {
		return new Probe();
	}

	/**
	 * What happened on the server side, for the tests to check.
	 */
	static class Probe {

		final BlockingQueue<SseStream> streams = new LinkedBlockingQueue<>();

		final CountDownLatch closed = new CountDownLatch(1);

		final AtomicInteger closeCallbacks = new AtomicInteger();

		final CountDownLatch producerStopped = new CountDownLatch(1);

		final List<String> errors = new CopyOnWriteArrayList<>();

	}

	record Point(int firstValue, int secondValue) {
	}

	@RestController
	static class TestController {

		private final SseStreamFactory streams;

		private final Probe probe;

		TestController(SseStreamFactory streams, Probe probe) {
			this.streams = streams;
			this.probe = probe;
		}

		@GetMapping("/events")
		SseStream events() {
			SseStream stream = this.streams.create();
			stream.publish(SseEvent.builder().id("1").data("one").build());
			stream.publish(SseEvent.builder().id("2").event("named").data("two").build());
			stream.publish(SseEvent.builder().id("3").data("three\nlines\r\nhere").build());
			this.probe.streams.add(stream);
			return stream;
		}

		@GetMapping("/quiet")
		SseStream quiet() {
			SseStream stream = this.streams.create();
			stream.onClose(this.probe.closeCallbacks::incrementAndGet);
			stream.onClose(this.probe.closed::countDown);
			this.probe.streams.add(stream);
			return stream;
		}

		@GetMapping("/producer")
		SseStream producer() {
			return this.streams.create((stream) -> {
				try {
					int i = 0;
					while (stream.isOpen()) {
						stream.publish("tick", Integer.toString(i++));
						Thread.sleep(20);
					}
				}
				finally {
					this.probe.producerStopped.countDown();
				}
			});
		}

		@GetMapping("/blocking-producer")
		SseStream blockingProducer() {
			return this.streams.create((stream) -> {
				try {
					stream.publish("ready", "waiting");
					new CountDownLatch(1).await();
				}
				finally {
					this.probe.producerStopped.countDown();
				}
			});
		}

		@GetMapping("/finite")
		SseStream finite() {
			return this.streams.create((stream) -> {
				for (int i = 1; i <= 3; i++) {
					stream.publish(SseEvent.builder().id(Integer.toString(i)).data("n" + i).build());
				}
			});
		}

		@GetMapping("/throwing")
		SseStream throwing() {
			return this.streams.create((stream) -> {
				stream.publish("before", "failure");
				throw new IllegalStateException("producer boom");
			});
		}

		@GetMapping("/invalid")
		SseStream invalid() {
			return this.streams.create((stream) -> {
				try {
					stream.publish(SseEvent.builder().id("a\nb").data("x").build());
				}
				catch (IllegalArgumentException ex) {
					this.probe.errors.add(ex.getMessage());
				}
				try {
					stream.publish("bad\r\nevent", "x");
				}
				catch (IllegalArgumentException ex) {
					this.probe.errors.add(ex.getMessage());
				}
				stream.publish("after", "still usable");
			});
		}

		@GetMapping("/json")
		SseStream json() {
			return this.streams.create((stream) -> {
				stream.publish("point", new Point(1, 2));
				stream.publish("text", "plain \"text\"");
				stream.publish(null, Map.of("k", "v"));
			});
		}

		@GetMapping("/custom-headers")
		SseStream customHeaders(HttpServletResponse response) {
			response.setStatus(202);
			response.setHeader("Cache-Control", "private, max-age=0");
			return this.streams.create((stream) -> stream.publish("hello", "world"));
		}

		@GetMapping("/last-event-id/string")
		SseStream lastEventIdString(@LastEventId @Nullable String lastEventId) {
			return echo(String.valueOf(lastEventId));
		}

		@GetMapping("/last-event-id/optional")
		SseStream lastEventIdOptional(@LastEventId java.util.Optional<String> lastEventId) {
			return echo(lastEventId.map((id) -> "present:" + id).orElse("empty"));
		}

		@GetMapping("/last-event-id/long")
		SseStream lastEventIdLong(@LastEventId long lastEventId) {
			return echo(Long.toString(lastEventId + 1));
		}

		@GetMapping("/last-event-id/boxed")
		SseStream lastEventIdBoxed(@LastEventId @Nullable Long lastEventId) {
			return echo(String.valueOf(lastEventId));
		}

		@GetMapping("/param-echo")
		SseStream paramEcho(@RequestParam String name) {
			return echo(name);
		}

		@GetMapping("/plain")
		String plain(@RequestParam String name) {
			return "hello " + name;
		}

		private SseStream echo(String value) {
			return this.streams.create((stream) -> stream.publish("echo", value));
		}

	}

	/**
	 * A plain endpoint whose controller handles the container's exception itself.
	 */
	@RestController
	static class OwnErrorHandlingController {

		@GetMapping("/plain/own")
		String plain(@RequestParam String name) {
			return "hello " + name;
		}

		@ExceptionHandler(IllegalStateException.class)
		ResponseEntity<String> ownHandling(IllegalStateException ex) {
			return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body("handled by the application");
		}

	}

}
