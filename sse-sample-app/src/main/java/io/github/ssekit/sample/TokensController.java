package io.github.ssekit.sample;

import java.time.Duration;
import java.util.List;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A made-up answer streamed token by token, the way a language model's answer arrives,
 * from a Reactor {@code Flux} with a small delay between tokens (no model, no network).
 * Each token is a word with the whitespace that follows it, sent as the data of a
 * {@code token} event, so the tokens joined are exactly {@link #ANSWER}; a last
 * {@code done} event carries the number of tokens (an event with empty data would never
 * reach a browser's listener), and then the response ends.
 * <p>
 * The stream is fed by {@link SseStreamFactory#from(Object)}: when the client goes away
 * the subscription is cancelled, which the {@link TokenStreamRecorder} records.
 * {@code GET /tokens?delay=250} sets the milliseconds between tokens (0 to 1000) for one
 * request; {@code sample.tokens.delay} (50 ms) is the default.
 *
 * @author ssekit
 */
@RestController
class TokensController {

	/** The answer, in full. */
	static final String ANSWER = "Server-Sent Events keep one HTTP response open and write each event "
			+ "as a few lines of text, so an answer can appear word by word while it is still being written.\n\n"
			+ "When the reader closes the page, the server notices, cancels the source and stops working "
			+ "on an answer that nobody will read.";

	/** The tokens of the answer: each word with the whitespace after it. */
	static final List<String> TOKENS = List.of(ANSWER.split("(?<=\\s)(?=\\S)"));

	/** The longest delay a request may ask for. */
	static final Duration MAX_DELAY = Duration.ofSeconds(1);

	private final SseStreamFactory streams;

	private final TokenStreamRecorder recorder;

	private final Duration delay;

	TokensController(SseStreamFactory streams, TokenStreamRecorder recorder,
			@Value("${sample.tokens.delay:50ms}") Duration delay) {
		this.streams = streams;
		this.recorder = recorder;
		this.delay = delay;
	}

	@GetMapping("/tokens")
	SseStream tokens(@RequestParam(name = "delay", required = false) @Nullable Long delayMillis) {
		Duration delay = (delayMillis != null) ? Duration.ofMillis(delayMillis) : this.delay;
		if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
			throw new InvalidDelayException();
		}
		Flux<SseEvent> answer = Flux.fromIterable(TOKENS)
			.delayElements(delay)
			.map((token) -> SseEvent.of("token", token))
			.concatWith(Mono.just(SseEvent.of("done", Integer.toString(TOKENS.size()))))
			.doOnCancel(this.recorder::cancelled);
		return this.streams.from(answer);
	}

	@ExceptionHandler(InvalidDelayException.class)
	ResponseEntity<ProblemDetail> invalidDelay() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"delay of /tokens must be between 0 and " + MAX_DELAY.toMillis() + " milliseconds");
		problem.setTitle("Invalid delay");
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static final class InvalidDelayException extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

}
