package io.github.ssekit.autoconfigure;

/**
 * Thrown at startup when {@code sse.broker=redis} is set but Spring Data Redis with
 * Lettuce is not on the class path, or Spring Boot's Lettuce connection factory is not
 * there; {@link RedisBrokerUnavailableFailureAnalyzer} turns it into a startup report.
 *
 * @author ssekit
 */
class RedisBrokerUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String action;

	RedisBrokerUnavailableException(String message, String action) {
		super(message);
		this.action = action;
	}

	String getAction() {
		return this.action;
	}

}
