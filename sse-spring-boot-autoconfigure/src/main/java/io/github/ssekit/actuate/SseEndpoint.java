package io.github.ssekit.actuate;

import java.util.Comparator;
import java.util.List;

import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.stream.SseStreamRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code sse}: the open streams and, for each channel of this instance,
 * its subscriber count and history size.
 *
 * @author ssekit
 */
@Endpoint(id = "sse")
public class SseEndpoint {

	private final SseStreamRegistry registry;

	private final @Nullable SseChannels channels;

	/**
	 * Create the endpoint.
	 * @param registry the stream registry
	 * @param channels the channels, or {@code null} when there are none
	 */
	public SseEndpoint(SseStreamRegistry registry, @Nullable SseChannels channels) {
		this.registry = registry;
		this.channels = channels;
	}

	/**
	 * Describe the open streams and the channels.
	 * @return the description
	 */
	@ReadOperation
	public SseDescriptor sse() {
		List<ChannelDescriptor> channels = (this.channels != null) ? this.channels.channels()
			.stream()
			.sorted(Comparator.comparing(SseChannel::name))
			.map((channel) -> new ChannelDescriptor(channel.name(), channel.subscriberCount(), channel.historySize()))
			.toList() : List.of();
		return new SseDescriptor(this.registry.size(), channels);
	}

	/**
	 * The open streams and channels of this instance.
	 *
	 * @param openStreams how many streams are open
	 * @param channels the channels, by name
	 */
	public record SseDescriptor(int openStreams, List<ChannelDescriptor> channels) {
	}

	/**
	 * One channel.
	 *
	 * @param name the channel name
	 * @param subscribers how many streams of this instance are subscribed
	 * @param historySize how many events the history holds
	 */
	public record ChannelDescriptor(String name, int subscribers, long historySize) {
	}

}
