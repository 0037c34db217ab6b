package io.github.ssekit.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks the bound {@code sse.*} properties once, when the auto-configuration starts,
 * failing with an {@link InvalidConfigurationPropertyValueException} that names the
 * property, its value and what it must be; Spring Boot's failure analyzer turns it into a
 * startup report. The property classes themselves are plain JavaBeans.
 *
 * @author ssekit
 */
final class SsePropertiesValidator {

	private SsePropertiesValidator() {
	}

	/**
	 * Check the given properties.
	 * @param properties the properties
	 * @throws InvalidConfigurationPropertyValueException for the first invalid value
	 */
	@SuppressWarnings("deprecation")
	static void validate(SseProperties properties) {
		positive("sse.timeout", properties.getTimeout());
		notNegative("sse.retry", properties.getRetry());
		atLeastOne("sse.max-streams", properties.getMaxStreams());
		atLeastOne("sse.max-streams-per-user", properties.getMaxStreamsPerUser());
		notNegative("sse.heartbeat.interval", properties.getHeartbeat().getInterval());
		rejectCorsHeaders(properties.getHeaders().getExtra());
		atLeastOne("sse.last-event-id.max-length", properties.getLastEventId().getMaxLength());
		SseProperties.Stream stream = properties.getStream();
		atLeastOne("sse.stream.max-queued-events", stream.getMaxQueuedEvents());
		positive("sse.stream.max-queued-bytes", stream.getMaxQueuedBytes());
		positive("sse.stream.write-timeout", stream.getWriteTimeout());
		positive("sse.stream.max-lifetime", stream.getMaxLifetime());
		notNegative("sse.shutdown.timeout", properties.getShutdown().getTimeout());
		SseProperties.Channels channels = properties.getChannels();
		positive("sse.channels.max-event-size", channels.getMaxEventSize());
		boolean redis = properties.getBroker() == SseBrokerType.REDIS;
		Integer maxEvents = channels.getHistory().getMaxEvents();
		if (maxEvents != null && maxEvents < (redis ? 1 : 0)) {
			throw invalid("sse.channels.history.max-events", maxEvents,
					redis ? "must be at least 1 with sse.broker=redis" : "must not be negative");
		}
		if (redis) {
			notNegative("sse.channels.history.max-age", channels.getHistory().getMaxAge());
		}
		else {
			positive("sse.channels.history.max-age", channels.getHistory().getMaxAge());
		}
		SseProperties.Tomcat tomcat = properties.getTomcat();
		bufferSize("sse.tomcat.socket-read-buffer-size", tomcat.getSocketReadBufferSize());
		bufferSize("sse.tomcat.socket-write-buffer-size", tomcat.getSocketWriteBufferSize());
		bufferSize("sse.tomcat.max-trailer-size", tomcat.getMaxTrailerSize());
	}

	/**
	 * Check the given Redis broker properties.
	 * @param properties the properties
	 * @throws InvalidConfigurationPropertyValueException for the first invalid value
	 */
	static void validate(SseRedisProperties properties) {
		positive("sse.redis.command-timeout", properties.getCommandTimeout());
		Long maxLength = properties.getHistory().getMaxLength();
		if (maxLength != null && maxLength < 1) {
			throw invalid("sse.redis.history.max-length", maxLength, "must be at least 1");
		}
		notNegative("sse.redis.history.max-age", properties.getHistory().getMaxAge());
		positive("sse.redis.read.block", properties.getRead().getBlock());
		atLeastOne("sse.redis.read.batch-size", properties.getRead().getBatchSize());
		positive("sse.redis.reconnect.min-backoff", properties.getReconnect().getMinBackoff());
		positive("sse.redis.reconnect.max-backoff", properties.getReconnect().getMaxBackoff());
		if (properties.getReconnect().getMaxBackoff().compareTo(properties.getReconnect().getMinBackoff()) < 0) {
			throw invalid("sse.redis.reconnect.max-backoff", properties.getReconnect().getMaxBackoff(),
					"must not be less than sse.redis.reconnect.min-backoff");
		}
	}

	/**
	 * Refuse {@code Access-Control-*} headers in {@code sse.headers.extra}: set on every
	 * stream they bypass Spring's CORS handling, answer no preflight, and {@code *} with
	 * credentials is refused by browsers.
	 */
	private static void rejectCorsHeaders(Map<String, String> extra) {
		extra.forEach((name, value) -> {
			if (name.toLowerCase(Locale.ROOT).startsWith("access-control-")) {
				throw invalid("sse.headers.extra." + name, value,
						"CORS headers must come from Spring's CORS support (@CrossOrigin, a CorsConfigurationSource "
								+ "bean or WebMvcConfigurer.addCorsMappings), which answers preflight requests and "
								+ "never sends '*' with credentials");
			}
		});
	}

	private static void atLeastOne(String name, @Nullable Integer value) {
		if (value != null && value < 1) {
			throw invalid(name, value, "must be at least 1");
		}
	}

	private static void notNegative(String name, @Nullable Duration value) {
		if (value != null && value.isNegative()) {
			throw invalid(name, value, "must not be negative");
		}
	}

	private static void positive(String name, @Nullable Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw invalid(name, value, "must be positive");
		}
	}

	private static void positive(String name, DataSize value) {
		if (value.toBytes() < 1) {
			throw invalid(name, value, "must be at least 1B");
		}
	}

	private static void bufferSize(String name, @Nullable DataSize value) {
		if (value != null && (value.toBytes() < 1 || value.toBytes() > Integer.MAX_VALUE)) {
			throw invalid(name, value, "must be at least 1B and at most " + Integer.MAX_VALUE + "B");
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(name, value, reason);
	}

}
