package io.github.ssekit.channel;

import java.util.Collection;

import io.github.ssekit.SseStream;
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
	 * Subscribe a stream to several channels at once, so that its single
	 * {@code Last-Event-ID} resumes every one of them exactly. Each event the stream
	 * receives carries as its id a cursor of where the stream stands on each channel (the
	 * event's other bytes stay shared with every other subscriber); a client that
	 * reconnects with it receives, on each channel, the events it missed, in that
	 * channel's order. A channel the cursor cannot resume (its history lost, or not in
	 * the cursor) sends the {@link SseChannel#HISTORY_LOST_EVENT} event with the
	 * channel's name as its data; a cursor that is not one, every channel does. Positions
	 * the cursor holds for channels not named here are ignored. With a single channel
	 * this is {@code channel(name).subscribe(stream, lastEventId)}, whose ids are the
	 * channel's own.
	 * @param stream the stream
	 * @param lastEventId the client's {@code Last-Event-ID}, or {@code null}
	 * @param channels the channel names: distinct, not empty, at most 16
	 * @throws IllegalArgumentException if the names are empty, repeated or too many
	 * @throws SseChannelAccessDeniedException if an {@link SseChannelAuthorizer} refuses
	 * one of the channels; then the stream joined none of them
	 */
	void subscribe(SseStream stream, @Nullable String lastEventId, String... channels);

	/**
	 * Return a snapshot of the channels that exist on this instance.
	 * @return the channels
	 */
	Collection<SseChannel> channels();

}
