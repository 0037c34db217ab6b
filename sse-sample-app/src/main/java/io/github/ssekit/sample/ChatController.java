package io.github.ssekit.sample;

import java.time.Instant;
import java.util.Map;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chat example of hertz-contrib/sse, with the same paths: every user listens on
 * {@code GET /chat/sse?username=NAME}; {@code POST /chat/broadcast} reaches every user,
 * {@code POST /chat/direct} one user. Each user has a channel of their own
 * ({@code chat:NAME}), so a reconnecting client resumes from its {@code Last-Event-ID}
 * and misses neither broadcasts nor direct messages.
 *
 * @author ssekit
 */
@RestController
class ChatController {

	static final String USER_CHANNEL_PREFIX = "chat:";

	private final SseStreamFactory streams;

	private final SseChannels channels;

	ChatController(SseStreamFactory streams, SseChannels channels) {
		this.streams = streams;
		this.channels = channels;
	}

	@GetMapping("/chat/sse")
	SseStream listen(@RequestParam(required = false) @Nullable String username,
			@LastEventId @Nullable String lastEventId) {
		String user = required("username", username);
		SseStream stream = this.streams.create();
		this.channels.channel(USER_CHANNEL_PREFIX + user).subscribe(stream, lastEventId);
		return stream;
	}

	@PostMapping("/chat/broadcast")
	Map<String, String> broadcast(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String message) {
		ChatMessage chat = new ChatMessage("broadcast", required("from", from), "", required("message", message),
				Instant.now());
		for (SseChannel channel : this.channels.channels()) {
			if (channel.name().startsWith(USER_CHANNEL_PREFIX)) {
				channel.publish(chat.type(), chat);
			}
		}
		return Map.of("message", "success");
	}

	@PostMapping("/chat/direct")
	Map<String, String> direct(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, @RequestParam(required = false) @Nullable String message) {
		ChatMessage chat = new ChatMessage("direct", required("from", from), required("to", to),
				required("message", message), Instant.now());
		this.channels.channel(USER_CHANNEL_PREFIX + chat.to()).publish(chat.type(), chat);
		return Map.of("message", "success");
	}

	@ExceptionHandler(MissingParameterException.class)
	ResponseEntity<ProblemDetail> missingParameter(MissingParameterException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Missing parameter");
		problem.setProperty("parameter", ex.parameter);
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static String required(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new MissingParameterException(name);
		}
		return value;
	}

	/**
	 * A chat message, sent as the JSON data of a {@code broadcast} or {@code direct}
	 * event.
	 *
	 * @param type {@code broadcast} or {@code direct}
	 * @param from the sender
	 * @param to the recipient of a direct message, empty for a broadcast
	 * @param message the text
	 * @param timestamp when the server received it
	 */
	record ChatMessage(String type, String from, String to, String message, Instant timestamp) {
	}

	static final class MissingParameterException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String parameter;

		MissingParameterException(String parameter) {
			super("Query parameter '" + parameter + "' is required and must not be blank");
			this.parameter = parameter;
		}

	}

}
