package io.github.ssekit;

/**
 * Turns the data object of {@link SseStream#publish(String, Object)} into the text of the
 * event's {@code data} lines. Auto-configured with the application's Jackson
 * {@code JsonMapper} when Jackson is present; define a bean of this type to replace it.
 *
 * @author ssekit
 */
@FunctionalInterface
public interface SseDataSerializer {

	/**
	 * Serialise the given data.
	 * @param data the data, never a {@link CharSequence} (those are sent as they are)
	 * @return the text to send, possibly spanning several lines
	 */
	String serialize(Object data);

}
