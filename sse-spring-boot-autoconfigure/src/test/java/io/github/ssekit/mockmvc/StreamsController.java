package io.github.ssekit.mockmvc;

import java.util.concurrent.CountDownLatch;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseChannels;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A controller as users write them, one endpoint per way to make a stream, for the tests
 * that run it under MockMvc.
 *
 * @author ssekit
 */
@RestController
class StreamsController {

	/** Counts down when a stream of {@code /open} closes. */
	static volatile CountDownLatch openClosed = new CountDownLatch(1);

	/** Counts down when the producer of {@code /endless} returns. */
	static volatile CountDownLatch producerStopped = new CountDownLatch(1);

	private final SseStreamFactory streams;

	private final SseChannels channels;

	StreamsController(SseStreamFactory streams, SseChannels channels) {
		this.streams = streams;
		this.channels = channels;
	}

	@GetMapping("/greetings")
	SseStream greetings() {
		SseStream stream = this.streams.create();
		stream.publish(SseEvent.builder().id("1").event("greeting").data("hello").build());
		stream.publish(SseEvent.builder().id("2").event("greeting").data("two\nlines").build());
		stream.close();
		return stream;
	}

	@GetMapping("/count")
	SseStream count(@LastEventId long lastEventId) {
		return this.streams.create((stream) -> {
			for (long i = lastEventId + 1; i <= lastEventId + 3; i++) {
				stream.publish(SseEvent.builder().id(Long.toString(i)).data("n" + i).build());
			}
		});
	}

	@GetMapping("/words")
	SseStream words() {
		return this.streams.from(Flux.just("one", "two", "three"));
	}

	@GetMapping("/open")
	SseStream open() {
		SseStream stream = this.streams.create();
		stream.onClose(openClosed::countDown);
		stream.publish("ready", "waiting");
		return stream;
	}

	@GetMapping("/endless")
	SseStream endless() {
		return this.streams.create((stream) -> {
			try {
				for (int i = 0; stream.isOpen(); i++) {
					stream.publish("tick", Integer.toString(i));
					Thread.sleep(5);
				}
			}
			finally {
				producerStopped.countDown();
			}
		});
	}

	@GetMapping("/channels/{name}")
	SseStream channel(@PathVariable String name, @LastEventId @Nullable String lastEventId) {
		SseStream stream = this.streams.create();
		this.channels.channel(name).subscribe(stream, lastEventId);
		return stream;
	}

}
