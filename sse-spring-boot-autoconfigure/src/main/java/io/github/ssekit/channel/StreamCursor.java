package io.github.ssekit.channel;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.stream.FanOutStream;
import org.jspecify.annotations.Nullable;

/**
 * Where one stream on several channels stands on each of them, and the events that go out
 * with that as their id. Each channel hands its events over under its own lock; this
 * cursor's lock makes moving a channel's position and queueing the event under the new
 * cursor one step, so the ids on the wire follow the order of the events on the wire. The
 * event's other bytes are shared with every other stream ({@link SseEvent#withId}).
 *
 * @author ssekit
 */
final class StreamCursor {

	private final SseStream stream;

	private final @Nullable FanOutStream fanOut;

	private final String[] channels;

	private final long[] hashes;

	private final boolean[] ambiguous;

	private final byte[][] entries;

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Create the cursor of a stream.
	 * @param stream the stream
	 * @param channels the channel names, distinct
	 */
	StreamCursor(SseStream stream, List<String> channels) {
		this.stream = stream;
		this.fanOut = (stream instanceof FanOutStream fanOutStream) ? fanOutStream : null;
		this.channels = channels.toArray(String[]::new);
		this.hashes = new long[this.channels.length];
		this.ambiguous = new boolean[this.channels.length];
		this.entries = new byte[this.channels.length][];
		Set<Long> seen = new HashSet<>();
		Set<Long> repeated = new HashSet<>();
		for (int i = 0; i < this.channels.length; i++) {
			this.hashes[i] = ChannelCursor.hash(this.channels[i]);
			if (!seen.add(this.hashes[i])) {
				repeated.add(this.hashes[i]);
			}
		}
		for (int i = 0; i < this.channels.length; i++) {
			this.ambiguous[i] = repeated.contains(this.hashes[i]);
		}
	}

	SseStream stream() {
		return this.stream;
	}

	int size() {
		return this.channels.length;
	}

	String channel(int index) {
		return this.channels[index];
	}

	/**
	 * Return where the client's cursor says the stream stands on a channel.
	 * @param positions the parsed cursor
	 * @param index the channel's index
	 * @return the channel event id, or {@code null} when the cursor does not say
	 */
	@Nullable String resumeFrom(Map<Long, String> positions, int index) {
		return this.ambiguous[index] ? null : positions.get(this.hashes[index]);
	}

	/**
	 * Set where the stream stands on a channel without sending anything.
	 * @param index the channel's index
	 * @param id the channel event id
	 */
	void moveTo(int index, String id) {
		this.lock.lock();
		try {
			if (!this.ambiguous[index]) {
				this.entries[index] = ChannelCursor.entry(this.hashes[index], id);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Move the stream's position on a channel to an event and queue that event with the
	 * new cursor as its id.
	 * @param index the channel's index
	 * @param event the channel's event, with its channel id
	 * @param drains the streams to drain once the channel lock is released
	 * @return whether the stream took it
	 */
	boolean send(int index, ChannelEvent event, List<FanOutStream> drains) {
		this.lock.lock();
		try {
			if (!this.ambiguous[index]) {
				this.entries[index] = event.entry(this.hashes[index]);
			}
			return send(event.event(), event.body(), drains);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Queue an event with the current cursor as its id.
	 * @param event the event, without an id
	 * @param body its encoding
	 * @param drains the streams to drain
	 * @return whether the stream took it
	 */
	boolean sendWithCursor(SseEvent event, byte[] body, List<FanOutStream> drains) {
		this.lock.lock();
		try {
			return send(event, body, drains);
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean send(SseEvent event, byte[] body, List<FanOutStream> drains) {
		FanOutStream fanOut = this.fanOut;
		if (fanOut != null) {
			boolean accepted = fanOut.offerEncoded(ChannelCursor.encode(this.entries, body));
			DefaultSseChannel.drainLater(fanOut, drains);
			return accepted;
		}
		return DefaultSseChannel.send(this.stream, null, event.withId(ChannelCursor.of(this.entries)), drains);
	}

}
