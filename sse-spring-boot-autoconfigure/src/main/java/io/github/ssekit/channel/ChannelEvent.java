package io.github.ssekit.channel;

import io.github.ssekit.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * A channel's event as its subscribers are handed it: its id parsed once for all of them,
 * and, for the streams on several channels, the parts of their events that they share,
 * made on first use: the event's bytes without its id line, and this channel's cursor
 * entry at this event.
 *
 * @author ssekit
 */
final class ChannelEvent {

	private final SseEvent event;

	private final long millis;

	private final long sequence;

	private final boolean ordered;

	private byte @Nullable [] body;

	private byte @Nullable [] entry;

	ChannelEvent(SseEvent event) {
		this.event = event;
		String id = event.id();
		long[] parts = (id != null) ? SseEventIds.parse(id) : null;
		this.ordered = parts != null;
		this.millis = (parts != null) ? parts[0] : 0;
		this.sequence = (parts != null) ? parts[1] : 0;
	}

	SseEvent event() {
		return this.event;
	}

	/**
	 * Return whether this event comes after a position in channel order; an event whose
	 * id is not a channel event id is taken to follow (nothing can be skipped by it).
	 * @param millis the position's time part
	 * @param sequence the position's sequence part
	 * @return {@code true} if it follows
	 */
	boolean follows(long millis, long sequence) {
		return !this.ordered || this.millis > millis || (this.millis == millis && this.sequence > sequence);
	}

	boolean isOrdered() {
		return this.ordered;
	}

	long millis() {
		return this.millis;
	}

	long sequence() {
		return this.sequence;
	}

	/**
	 * Return the event's encoding without its id line.
	 * @return the bytes, shared
	 */
	byte[] body() {
		byte[] body = this.body;
		if (body == null) {
			body = this.event.withId(null).encoded();
			this.body = body;
		}
		return body;
	}

	/**
	 * Return the cursor entry of a channel at this event.
	 * @param hash the channel's hash, the same on every call
	 * @return the entry's ASCII bytes, shared
	 */
	byte[] entry(long hash) {
		byte[] entry = this.entry;
		if (entry == null) {
			entry = ChannelCursor.entry(hash, this.millis, this.sequence);
			this.entry = entry;
		}
		return entry;
	}

}
