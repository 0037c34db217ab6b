package io.github.ssekit.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * Configuration properties of the Redis channel broker, active with
 * {@code sse.broker=redis}. The connection itself is Spring Boot's
 * ({@code spring.data.redis.*}).
 *
 * @author ssekit
 */
@ConfigurationProperties("sse.redis")
public class SseRedisProperties {

	/**
	 * Prefix of the Redis Stream keys; the channel name follows it.
	 */
	private String keyPrefix = "sse:channel:";

	/**
	 * How long Redis may take to answer a command before it fails; a publish that takes
	 * longer throws.
	 */
	private Duration commandTimeout = Duration.ofSeconds(5);

	private final History history = new History();

	private final Read read = new Read();

	private final Reconnect reconnect = new Reconnect();

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public History getHistory() {
		return this.history;
	}

	public Read getRead() {
		return this.read;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	/**
	 * History kept in each channel's stream, for replay and for instances that reconnect
	 * after an outage.
	 */
	public static class History {

		/**
		 * Most entries each channel's stream keeps. Also bounds how far an instance may
		 * fall behind (or stay disconnected) before its subscribers get the history-lost
		 * event.
		 */
		private @Nullable Long maxLength;

		/**
		 * How long an entry stays in the stream. Applied when the channel is published
		 * to, at most once a second per channel; a channel's stream expires this long
		 * after its last publish. Zero means no age limit.
		 */
		private @Nullable Duration maxAge;

		/**
		 * Whether to trim approximately ('~'), which costs Redis less but keeps somewhat
		 * more entries than the limits.
		 */
		private boolean approximateTrimming;

		/**
		 * Return the most entries each channel's stream keeps, under its old name.
		 * @return the maximum length, or {@code null} if not set
		 * @deprecated since 0.2.0 in favour of {@code sse.channels.history.max-events}
		 */
		@Deprecated(since = "0.2.0")
		@DeprecatedConfigurationProperty(replacement = "sse.channels.history.max-events", since = "0.2.0")
		public @Nullable Long getMaxLength() {
			return this.maxLength;
		}

		/**
		 * Set the most entries each channel's stream keeps, under its old name.
		 * @param maxLength the maximum length
		 * @deprecated since 0.2.0 in favour of {@code sse.channels.history.max-events}
		 */
		@Deprecated(since = "0.2.0")
		public void setMaxLength(@Nullable Long maxLength) {
			this.maxLength = maxLength;
		}

		/**
		 * Return how long an entry stays in the stream, under its old name.
		 * @return the maximum age, or {@code null} if not set
		 * @deprecated since 0.2.0 in favour of {@code sse.channels.history.max-age}
		 */
		@Deprecated(since = "0.2.0")
		@DeprecatedConfigurationProperty(replacement = "sse.channels.history.max-age", since = "0.2.0")
		public @Nullable Duration getMaxAge() {
			return this.maxAge;
		}

		/**
		 * Set how long an entry stays in the stream, under its old name.
		 * @param maxAge the maximum age
		 * @deprecated since 0.2.0 in favour of {@code sse.channels.history.max-age}
		 */
		@Deprecated(since = "0.2.0")
		public void setMaxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
		}

		public boolean isApproximateTrimming() {
			return this.approximateTrimming;
		}

		public void setApproximateTrimming(boolean approximateTrimming) {
			this.approximateTrimming = approximateTrimming;
		}

	}

	/**
	 * Reads of the instance's reader thread.
	 */
	public static class Read {

		/**
		 * How long the reader's connection may stay idle before the reader checks it with
		 * a PING.
		 */
		private Duration block = Duration.ofSeconds(1);

		/**
		 * Most entries one read takes per channel.
		 */
		private int batchSize = 1000;

		public Duration getBlock() {
			return this.block;
		}

		public void setBlock(Duration block) {
			this.block = block;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

	/**
	 * Reconnection after Redis was lost: exponential backoff with jitter.
	 */
	public static class Reconnect {

		/**
		 * Wait before the first reconnection attempt.
		 */
		private Duration minBackoff = Duration.ofMillis(100);

		/**
		 * Longest wait between two reconnection attempts, and so about the longest that
		 * publishing keeps failing after Redis is back.
		 */
		private Duration maxBackoff = Duration.ofMillis(500);

		public Duration getMinBackoff() {
			return this.minBackoff;
		}

		public void setMinBackoff(Duration minBackoff) {
			this.minBackoff = minBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

}
