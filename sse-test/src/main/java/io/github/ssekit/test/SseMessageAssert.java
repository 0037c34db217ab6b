package io.github.ssekit.test;

import java.util.Objects;

import io.github.ssekit.client.SseMessage;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * AssertJ assertions for a {@link SseMessage}.
 */
public class SseMessageAssert extends AbstractObjectAssert<SseMessageAssert, SseMessage> {

	/**
	 * Creates assertions for an event.
	 * @param actual the event
	 */
	public SseMessageAssert(SseMessage actual) {
		super(actual, SseMessageAssert.class);
	}

	/**
	 * Creates assertions for an event.
	 * @param actual the event
	 * @return the assertions
	 */
	public static SseMessageAssert assertThat(SseMessage actual) {
		return new SseMessageAssert(actual);
	}

	/**
	 * Verifies the event type.
	 * @param type the expected type ({@code "message"} for events without an
	 * {@code event} field)
	 * @return this
	 */
	public SseMessageAssert hasType(String type) {
		return has("type", this.actual.type(), type);
	}

	/**
	 * Verifies the event data.
	 * @param data the expected data, lines joined with {@code "\n"}
	 * @return this
	 */
	public SseMessageAssert hasData(String data) {
		return has("data", this.actual.data(), data);
	}

	/**
	 * Verifies that the event data contains a text.
	 * @param text the expected part of the data
	 * @return this
	 */
	public SseMessageAssert hasDataContaining(String text) {
		isNotNull();
		if (!this.actual.data().contains(text)) {
			failWithMessage("Expected event data to contain <%s> but was <%s> in %s", text, this.actual.data(),
					this.actual);
		}
		return this;
	}

	/**
	 * Verifies the last event ID of the event.
	 * @param id the expected ID ({@code ""} for none)
	 * @return this
	 */
	public SseMessageAssert hasId(String id) {
		return has("id", this.actual.lastEventId(), id);
	}

	/**
	 * Returns the event under test, for further checks.
	 * @return the event
	 */
	public SseMessage message() {
		return this.actual;
	}

	private SseMessageAssert has(String property, String actualValue, String expected) {
		isNotNull();
		if (!Objects.equals(actualValue, expected)) {
			failWithActualExpectedAndMessage(actualValue, expected, "Expected event %s <%s> but was <%s> in %s",
					property, expected, actualValue, this.actual);
		}
		return this;
	}

}
