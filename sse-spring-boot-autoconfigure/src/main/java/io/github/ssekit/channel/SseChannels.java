package io.github.ssekit.channel;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * The application's channels: named topics that fan events out to every subscribed
 * stream. Auto-configured as a bean; a channel is created on first use and released when
 * it has neither subscribers nor history.
 *
 * @author ssekit
 */
public interface SseChannels {

	/**
	 * Return the channel with the given name, creating it if needed.
	 * @param name the channel name, not empty
	 * @return the channel
	 * @throws IllegalArgumentException if the name is empty
	 */
	SseChannel channel(String name);

	/**
	 * Return the channel with the given name if it exists on this instance.
	 * @param name the channel name
	 * @return the channel, or {@code null}
	 */
	@Nullable SseChannel find(String name);

	/**
	 * Return a snapshot of the channels that exist on this instance.
	 * @return the channels
	 */
	Collection<SseChannel> channels();

}
