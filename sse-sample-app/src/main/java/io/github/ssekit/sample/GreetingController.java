package io.github.ssekit.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.SseStreamFactory;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Named {@code greeting} events whose data spans several lines and holds emoji and CJK
 * characters, alternating with unnamed events on the same stream: a browser hands the
 * former to {@code addEventListener('greeting', ...)} and only the latter to
 * {@code onmessage}.
 *
 * @author ssekit
 */
@RestController
class GreetingController {

	/** Name of the named events. */
	static final String EVENT = "greeting";

	/** The greetings, sent in turn, each exactly as written here. */
	static final List<String> GREETINGS = List.of("Hello, world! 👋\nこんにちは、世界 🌏\n你好，世界",
			"  Two leading spaces stay,\n\nand so does the empty line above ✨\n안녕하세요 🇰🇷",
			"Grüße aus Köln 🍺\nA family in one glyph: 👨‍👩‍👧‍👦\nStraße, naïve, café; 日本語テキスト");

	/** Time between two events. */
	static final Duration INTERVAL = Duration.ofMillis(400);

	private final SseStreamFactory streams;

	private final Ticker ticker;

	GreetingController(SseStreamFactory streams, Ticker ticker) {
		this.streams = streams;
		this.ticker = ticker;
	}

	@GetMapping("/greetings")
	SseStream greetings() {
		SseStream stream = this.streams.create();
		AtomicInteger step = new AtomicInteger();
		ScheduledFuture<?> ticks = this.ticker.every(INTERVAL, () -> send(stream, step.getAndIncrement()));
		stream.onClose(() -> ticks.cancel(false));
		return stream;
	}

	/**
	 * Return the event sent at the given step: a greeting at even steps, an unnamed note
	 * at odd ones.
	 * @param step the step, from 0
	 * @return the event
	 */
	static SseEvent event(int step) {
		int round = step / 2;
		if (step % 2 == 0) {
			return SseEvent.of(EVENT, GREETINGS.get(round % GREETINGS.size()));
		}
		return SseEvent.of("unnamed message " + (round + 1));
	}

	private static void send(SseStream stream, int step) {
		try {
			stream.publish(event(step));
		}
		catch (SseStreamClosedException ex) {
			// the stream's onClose cancels this task
		}
	}

}
