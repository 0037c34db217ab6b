package io.github.ssekit.channel;

import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.SseStream;
import io.github.ssekit.stream.FanOutStream;
import org.jspecify.annotations.Nullable;

/**
 * A stream subscribed to a channel: where it stands, and, while it is handed over, the
 * live events buffered for it.
 *
 * @author ssekit
 */
final class ChannelSubscriber {

	final SseStream stream;

	final @Nullable FanOutStream defaultStream;

	final @Nullable StreamCursor cursor;

	final int index;

	/** Whether the subscriber has a position, below which events are skipped. */
	boolean positioned;

	long lastMillis;

	long lastSequence;

	@Nullable List<ChannelEvent> buffered;

	boolean removed;

	ChannelSubscriber(SseStream stream, boolean pending, @Nullable StreamCursor cursor, int index) {
		this.stream = stream;
		this.defaultStream = (stream instanceof FanOutStream defaultStream) ? defaultStream : null;
		this.buffered = pending ? new ArrayList<>() : null;
		this.cursor = cursor;
		this.index = index;
	}

	/**
	 * Skip the events at or before the given id from now on; an id that is not a channel
	 * event id skips none.
	 */
	void moveTo(String id) {
		long[] parts = SseEventIds.parse(id);
		this.positioned = parts != null;
		if (parts != null) {
			this.lastMillis = parts[0];
			this.lastSequence = parts[1];
		}
	}

	void moveTo(ChannelEvent event) {
		if (event.isOrdered()) {
			this.positioned = true;
			this.lastMillis = event.millis();
			this.lastSequence = event.sequence();
		}
	}

}
