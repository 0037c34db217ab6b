package io.github.ssekit.sample;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
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
 * {@code POST /chat/direct} one user. A user's stream is on two channels: the broadcast
 * channel {@value #BROADCAST_CHANNEL}, which every user shares, and the user's own
 * ({@code chat:NAME}). A broadcast is therefore one publish whatever the number of users,
 * and with the Redis broker reaches users on every instance; a reconnecting client
 * resumes both channels from its single {@code Last-Event-ID}, on any instance, and
 * misses neither broadcasts nor direct messages.
 * <p>
 * User names become channel names, which the starter may log, so they are restricted to
 * {@value #USER_NAME_PATTERN}; the starter answers a parameter the container cannot
 * decode (such as {@code %ff}), on any endpoint, with a 400 Problem Detail.
 *
 * @author ssekit
 */
@RestController
class ChatController {

	static final String BROADCAST_CHANNEL = "chat";

	static final String USER_CHANNEL_PREFIX = "chat:";

	static final String USER_NAME_PATTERN = "[A-Za-z0-9_.-]{1,32}";

	private static final Pattern USER_NAME = Pattern.compile(USER_NAME_PATTERN);

	private final SseStreamFactory streams;

	private final SseChannels channels;

	ChatController(SseStreamFactory streams, SseChannels channels) {
		this.streams = streams;
		this.channels = channels;
	}

	@GetMapping("/chat/sse")
	SseStream listen(@RequestParam(required = false) @Nullable String username,
			@LastEventId @Nullable String lastEventId) {
		String user = userName("username", username);
		SseStream stream = this.streams.create();
		this.channels.subscribe(stream, lastEventId, BROADCAST_CHANNEL, USER_CHANNEL_PREFIX + user);
		return stream;
	}

	@PostMapping("/chat/broadcast")
	Map<String, String> broadcast(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String message) {
		ChatMessage chat = new ChatMessage("broadcast", userName("from", from), "", required("message", message),
				Instant.now());
		this.channels.channel(BROADCAST_CHANNEL).publish(chat.type(), chat);
		return Map.of("message", "success");
	}

	@PostMapping("/chat/direct")
	Map<String, String> direct(@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String message) {
		ChatMessage chat = new ChatMessage("direct", userName("from", from), userName("to", to),
				required("message", message), Instant.now());
		this.channels.channel(USER_CHANNEL_PREFIX + chat.to()).publish(chat.type(), chat);
		return Map.of("message", "success");
	}

	@ExceptionHandler(BadParameterException.class)
	ResponseEntity<ProblemDetail> badParameter(BadParameterException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle(ex.title);
		problem.setProperty("parameter", ex.parameter);
		return problem(problem);
	}

	private static ResponseEntity<ProblemDetail> problem(ProblemDetail problem) {
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static String required(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new BadParameterException("Missing parameter", name, "is required and must not be blank");
		}
		return value;
	}

	private static String userName(String name, @Nullable String value) {
		String user = required(name, value);
		if (!USER_NAME.matcher(user).matches()) {
			throw new BadParameterException("Invalid parameter", name,
					"must be 1 to 32 letters, digits, '_', '.' or '-'");
		}
		return user;
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

	static final class BadParameterException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String title;

		private final String parameter;

		BadParameterException(String title, String parameter, String requirement) {
			super("Query parameter '" + parameter + "' " + requirement);
			this.title = title;
			this.parameter = parameter;
		}

	}

}
