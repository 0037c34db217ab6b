package io.github.ssekit.sample;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only stream that publishes nothing by itself: {@code GET /test/quiet} opens a
 * stream and hands it to the test, which decides when (and whether) an event is sent.
 *
 * @author ssekit
 */
@RestController
class QuietStreamController {

	private final SseStreamFactory streams;

	private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();

	QuietStreamController(SseStreamFactory streams) {
		this.streams = streams;
	}

	@GetMapping("/test/quiet")
	SseStream quiet() {
		SseStream stream = this.streams.create();
		this.opened.add(stream);
		return stream;
	}

	BlockingQueue<SseStream> opened() {
		return this.opened;
	}

}
