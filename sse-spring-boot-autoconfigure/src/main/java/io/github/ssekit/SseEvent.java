package io.github.ssekit;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One immutable Server-Sent Event: any of an event name, data, an id, a reconnection time
 * and a comment, written in the wire format of the WHATWG HTML standard (section 9.2).
 * <p>
 * Fields are validated when the event is built, so an invalid event never reaches a
 * stream: an event name or id containing CR or LF, an id containing NUL or a negative
 * retry is rejected with an {@link IllegalArgumentException} naming the field. Data and
 * comments may span several lines; they are split at every CR, LF and CRLF when written.
 * <p>
 * The wire form is computed once and cached, so publishing the same event to many streams
 * encodes it only once.
 *
 * @author ssekit
 * @see SseStream#publish(SseEvent)
 */
public final class SseEvent {

	private final @Nullable String event;

	private final @Nullable String data;

	private final @Nullable String id;

	private final @Nullable Duration retry;

	private final @Nullable String comment;

	private volatile byte @Nullable [] encoded;

	private SseEvent(Builder builder) {
		this.event = builder.event;
		this.data = builder.data;
		this.id = builder.id;
		this.retry = builder.retry;
		this.comment = builder.comment;
	}

	private SseEvent(SseEvent other, @Nullable String id) {
		this.event = other.event;
		this.data = other.data;
		this.id = id;
		this.retry = other.retry;
		this.comment = other.comment;
		this.encoded = SseEncoding.replaceId(other, other.encoded(), id);
	}

	/**
	 * Create an unnamed event (dispatched as {@code message} by browsers) with the given
	 * data.
	 * @param data the data, possibly spanning several lines
	 * @return the event
	 */
	public static SseEvent of(String data) {
		return builder().data(data).build();
	}

	/**
	 * Create a named event with the given data.
	 * @param event the event name, without CR or LF
	 * @param data the data, possibly spanning several lines
	 * @return the event
	 * @throws IllegalArgumentException if the event name contains CR or LF
	 */
	public static SseEvent of(String event, String data) {
		return builder().event(event).data(data).build();
	}

	/**
	 * Start building an event.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder initialised with the fields of this event, for example to add an
	 * id to an event published without one.
	 * @return a new builder
	 */
	public Builder mutate() {
		Builder builder = new Builder();
		builder.event = this.event;
		builder.data = this.data;
		builder.id = this.id;
		builder.retry = this.retry;
		builder.comment = this.comment;
		return builder;
	}

	/**
	 * Return the event name ({@code event:} field).
	 * @return the event name, or {@code null} for an unnamed event
	 */
	public @Nullable String event() {
		return this.event;
	}

	/**
	 * Return the data ({@code data:} lines).
	 * @return the data, or {@code null} when the event carries none
	 */
	public @Nullable String data() {
		return this.data;
	}

	/**
	 * Return the event id ({@code id:} field).
	 * @return the id, or {@code null} when the event has none
	 */
	public @Nullable String id() {
		return this.id;
	}

	/**
	 * Return the reconnection time sent to the client ({@code retry:} field).
	 * @return the reconnection time, or {@code null} when not sent
	 */
	public @Nullable Duration retry() {
		return this.retry;
	}

	/**
	 * Return the comment written before the fields.
	 * @return the comment, or {@code null} when there is none
	 */
	public @Nullable String comment() {
		return this.comment;
	}

	/**
	 * Return the UTF-8 wire form of this event, encoded on first use and then shared. The
	 * returned array must not be modified.
	 * @return the encoded event, ending with a blank line
	 */
	public byte[] encoded() {
		byte[] bytes = this.encoded;
		if (bytes == null) {
			bytes = SseEncoding.encode(this);
			this.encoded = bytes;
		}
		return bytes;
	}

	/**
	 * Return this event with another id, encoded at once by writing only the id line anew
	 * and copying the other fields' bytes from this event's encoding: cheaper than
	 * building the event again when the same event goes out under a different id on many
	 * streams.
	 * @param id the id, without CR, LF or NUL, or {@code null} for none
	 * @return the event with that id
	 * @throws IllegalArgumentException if the id contains CR, LF or NUL
	 */
	public SseEvent withId(@Nullable String id) {
		return new SseEvent(this, SseEncoding.checkId(id));
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof SseEvent that && Objects.equals(this.event, that.event)
				&& Objects.equals(this.data, that.data) && Objects.equals(this.id, that.id)
				&& Objects.equals(this.retry, that.retry) && Objects.equals(this.comment, that.comment));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.event, this.data, this.id, this.retry, this.comment);
	}

	@Override
	public String toString() {
		return "SseEvent[event=" + this.event + ", id=" + this.id + ", retry=" + this.retry + ", data="
				+ ((this.data != null) ? this.data.length() + " chars" : null) + "]";
	}

	/**
	 * Builder for {@link SseEvent}. Each field is validated as it is set.
	 */
	public static final class Builder {

		private @Nullable String event;

		private @Nullable String data;

		private @Nullable String id;

		private @Nullable Duration retry;

		private @Nullable String comment;

		private Builder() {
		}

		/**
		 * Set the event name; browsers dispatch the event to listeners of that name.
		 * @param event the event name, without CR or LF, or {@code null} for none
		 * @return this builder
		 * @throws IllegalArgumentException if the name contains CR or LF
		 */
		public Builder event(@Nullable String event) {
			this.event = SseEncoding.checkSingleLine("event", event);
			return this;
		}

		/**
		 * Set the data. It may span several lines; CR and CRLF line breaks reach the
		 * client as LF.
		 * @param data the data, or {@code null} for none
		 * @return this builder
		 */
		public Builder data(@Nullable String data) {
			this.data = data;
			return this;
		}

		/**
		 * Set the event id, which the client sends back as {@code Last-Event-ID} when it
		 * reconnects.
		 * @param id the id, without CR, LF or NUL, or {@code null} for none
		 * @return this builder
		 * @throws IllegalArgumentException if the id contains CR, LF or NUL
		 */
		public Builder id(@Nullable String id) {
			this.id = SseEncoding.checkId(id);
			return this;
		}

		/**
		 * Set the reconnection time the client waits before reconnecting. It is written
		 * in whole milliseconds.
		 * @param retry the reconnection time, zero or positive, or {@code null} for none
		 * @return this builder
		 * @throws IllegalArgumentException if the duration is negative
		 */
		public Builder retry(@Nullable Duration retry) {
			if (retry != null && retry.isNegative()) {
				throw new IllegalArgumentException("SSE field 'retry' must not be negative: " + retry);
			}
			this.retry = retry;
			return this;
		}

		/**
		 * Set a comment, written before the fields as one {@code :} line per line of
		 * text. Clients ignore comments.
		 * @param comment the comment, or {@code null} for none
		 * @return this builder
		 */
		public Builder comment(@Nullable String comment) {
			this.comment = comment;
			return this;
		}

		/**
		 * Build the event.
		 * @return the event
		 * @throws IllegalArgumentException if no field was set
		 */
		public SseEvent build() {
			if (this.event == null && this.data == null && this.id == null && this.retry == null
					&& this.comment == null) {
				throw new IllegalArgumentException(
						"SSE event must have at least one of 'event', 'data', 'id', 'retry' or 'comment'");
			}
			return new SseEvent(this);
		}

	}

}
