package io.github.ssekit.channel;

import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a stream's principal may subscribe to a channel. Asked by
 * {@link SseChannel#subscribe(io.github.ssekit.SseStream, String)} before anything of the
 * channel (live events or replay) reaches the stream; a refusal throws
 * {@link SseChannelAccessDeniedException}, answered with 403 and a Problem Detail.
 * <p>
 * Every authorizer bean is asked, and all must allow; with
 * {@code sse.channels.user-channels} the starter adds one for channels that belong to a
 * user. With Spring Security the principal is the request's {@code Authentication}:
 *
 * <pre class="code">
 * &#64;Bean
 * SseChannelAuthorizer roomMembers(RoomService rooms) {
 *     return (principal, channel) -&gt; !channel.startsWith("room:")
 *             || (principal != null &amp;&amp; rooms.isMember(principal.getName(), channel.substring(5)));
 * }
 * </pre>
 *
 * @author ssekit
 */
@FunctionalInterface
public interface SseChannelAuthorizer {

	/**
	 * Return whether the principal may subscribe to the channel.
	 * @param principal the principal of the request that opened the stream, or
	 * {@code null} for an anonymous one
	 * @param channel the channel's name
	 * @return whether the subscription is allowed
	 */
	boolean canSubscribe(@Nullable Principal principal, String channel);

	/**
	 * Return an authorizer for channels that belong to one user: each pattern is a
	 * channel name with a {@code {name}} placeholder, for example {@code user:{name}}. A
	 * channel that matches a pattern may be subscribed to only by the principal whose
	 * name fills the placeholder; other channels are left to the other authorizers.
	 * @param patterns the patterns, each with exactly one {@code {name}}
	 * @return the authorizer
	 * @throws IllegalArgumentException if a pattern has no or several placeholders
	 */
	static SseChannelAuthorizer userChannels(List<String> patterns) {
		return new UserChannelAuthorizer(patterns);
	}

}
