package io.github.ssekit.sample;

import java.util.Map;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseChannels;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Private streams of the {@code secure} profile. Every user has a notifications channel
 * of their own, {@code user:NAME}, which only they may subscribe to
 * ({@code sse.channels.user-channels=user:{name}}); rooms are channels that only their
 * members may join ({@link RoomMembers}). Logging out ends the user's open streams.
 *
 * @author ssekit
 */
@RestController
@Profile("secure")
class PrivateStreamsController {

	private final SseStreamFactory streams;

	private final SseChannels channels;

	private final RoomMembers members;

	PrivateStreamsController(SseStreamFactory streams, SseChannels channels, RoomMembers members) {
		this.streams = streams;
		this.channels = channels;
		this.members = members;
	}

	/** Who is signed in, for the private page ({@code private.html}). */
	@GetMapping("/me")
	Map<String, String> me(Authentication authentication) {
		return Map.of("name", authentication.getName());
	}

	/** The signed-in user's notifications, resumed from the {@code Last-Event-ID}. */
	@GetMapping("/me/notifications")
	SseStream notifications(@AuthenticationPrincipal UserDetails user, @LastEventId @Nullable String lastEventId) {
		return subscribe("user:" + user.getUsername(), lastEventId);
	}

	/** Notify another user: the event reaches only that user's streams. */
	@PostMapping("/users/{name}/notifications")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> notify(@AuthenticationPrincipal UserDetails user, @PathVariable String name,
			@RequestParam String message) {
		String id = this.channels.channel("user:" + name)
			.publish("notification", Map.of("from", user.getUsername(), "message", message))
			.id();
		return Map.of("id", String.valueOf(id));
	}

	/** Any channel by name; the channel authorizers decide (403 for another user's). */
	@GetMapping("/channels/{name}")
	SseStream channel(@PathVariable String name, @LastEventId @Nullable String lastEventId) {
		return subscribe(name, lastEventId);
	}

	/** A room's messages, for its members only. */
	@GetMapping("/rooms/{room}")
	SseStream room(@PathVariable String room, @LastEventId @Nullable String lastEventId) {
		return subscribe(RoomMembers.CHANNEL_PREFIX + room, lastEventId);
	}

	/** Say something in a room: members only, like listening. */
	@PostMapping("/rooms/{room}/messages")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, String> say(Authentication authentication, @PathVariable String room, @RequestParam String message) {
		this.members.requireMember(authentication, room);
		this.channels.channel(RoomMembers.CHANNEL_PREFIX + room)
			.publish("message", Map.of("from", authentication.getName(), "message", message));
		return Map.of("room", room);
	}

	/**
	 * Who the producer's thread runs as: the request's {@code SecurityContext} reaches
	 * the producer of {@code create(producer)} and, with
	 * {@code spring.reactor.context-propagation=auto}, a Reactor source running on
	 * another scheduler.
	 */
	@GetMapping("/me/whoami")
	SseStream whoami(@RequestParam(defaultValue = "producer") String via) {
		if ("flux".equals(via)) {
			// spring.reactor.context-propagation=auto restores the request's context on
			// Reactor's threads
			return this.streams.from(Flux.defer(() -> Flux.just(SseEvent.of("whoami", currentUser())))
				.subscribeOn(Schedulers.boundedElastic()));
		}
		return this.streams.create((stream) -> stream.publish(SseEvent.of("whoami", currentUser())));
	}

	private static String currentUser() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication != null) ? authentication.getName() : "nobody";
	}

	private SseStream subscribe(String channel, @Nullable String lastEventId) {
		SseStream stream = this.streams.create();
		this.channels.channel(channel).subscribe(stream, lastEventId);
		return stream;
	}

}
