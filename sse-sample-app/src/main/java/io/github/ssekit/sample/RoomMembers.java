package io.github.ssekit.sample;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.github.ssekit.channel.SseChannelAccessDeniedException;
import io.github.ssekit.channel.SseChannelAuthorizer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may join which room of the {@code secure} profile: {@code sample.rooms.NAME} lists
 * a room's members. As an {@link SseChannelAuthorizer} it refuses a {@code room:NAME}
 * subscription to anyone else, and leaves other channels alone.
 *
 * @param rooms each room's members, by room name
 * @author ssekit
 */
@ConfigurationProperties("sample")
record RoomMembers(Map<String, List<String>> rooms) implements SseChannelAuthorizer {

	static final String CHANNEL_PREFIX = "room:";

	RoomMembers {
		rooms = (rooms != null) ? Map.copyOf(rooms) : Map.of();
	}

	@Override
	public boolean canSubscribe(@Nullable Principal principal, String channel) {
		return !channel.startsWith(CHANNEL_PREFIX) || isMember(principal, channel.substring(CHANNEL_PREFIX.length()));
	}

	void requireMember(Principal principal, String room) {
		if (!isMember(principal, room)) {
			throw new SseChannelAccessDeniedException(CHANNEL_PREFIX + room);
		}
	}

	private boolean isMember(@Nullable Principal principal, String room) {
		return principal != null && this.rooms.getOrDefault(room, List.of()).contains(principal.getName());
	}

}
