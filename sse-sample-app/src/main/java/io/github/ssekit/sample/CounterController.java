package io.github.ssekit.sample;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.SseStreamFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A counter that resumes where the client left off: event {@code n} has id {@code n}, and
 * a reconnecting client's {@code Last-Event-ID} says where to continue, so the numbers it
 * sees have no gap and no repeat however often the connection drops.
 * {@code POST /counter/drop} closes every open counter stream to show the browser's
 * automatic reconnect.
 *
 * @author ssekit
 */
@RestController
class CounterController {

	/** Reconnection time sent first on every counter stream. */
	static final Duration RECONNECT = Duration.ofMillis(500);

	private final SseStreamFactory streams;

	private final Ticker ticker;

	private final Duration interval;

	private final Set<SseStream> open = ConcurrentHashMap.newKeySet();

	CounterController(SseStreamFactory streams, Ticker ticker,
			@Value("${sample.counter.interval:300ms}") Duration interval) {
		this.streams = streams;
		this.ticker = ticker;
		this.interval = interval;
	}

	@GetMapping("/counter")
	SseStream counter(@LastEventId long lastEventId) {
		if (lastEventId < 0) {
			throw new NegativeLastEventIdException();
		}
		SseStream stream = this.streams.create();
		stream.publish(SseEvent.builder().retry(RECONNECT).build());
		AtomicLong count = new AtomicLong(lastEventId);
		ScheduledFuture<?> ticks = this.ticker.every(this.interval, () -> tick(stream, count));
		this.open.add(stream);
		stream.onClose(() -> {
			ticks.cancel(false);
			this.open.remove(stream);
		});
		return stream;
	}

	@PostMapping("/counter/drop")
	Map<String, Integer> drop() {
		int dropped = 0;
		for (SseStream stream : this.open) {
			stream.close();
			dropped++;
		}
		return Map.of("dropped", dropped);
	}

	@ExceptionHandler(NegativeLastEventIdException.class)
	ResponseEntity<ProblemDetail> negativeLastEventId() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Last-Event-ID of /counter must not be negative");
		problem.setTitle("Invalid Last-Event-ID");
		return ResponseEntity.badRequest().body(problem);
	}

	/**
	 * Return how many counter streams are open.
	 * @return the number of open streams
	 */
	int openStreams() {
		return this.open.size();
	}

	private static void tick(SseStream stream, AtomicLong count) {
		String next = Long.toString(count.incrementAndGet());
		try {
			stream.publish(SseEvent.builder().id(next).data(next).build());
		}
		catch (SseStreamClosedException ex) {
			// the stream's onClose cancels this task
		}
	}

	private static final class NegativeLastEventIdException extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

}
