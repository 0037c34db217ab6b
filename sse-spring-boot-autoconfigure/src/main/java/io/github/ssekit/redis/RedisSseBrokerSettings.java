package io.github.ssekit.redis;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Settings of a {@link RedisSseChannelBroker}, built with {@link #builder()}.
 *
 * @author ssekit
 */
public final class RedisSseBrokerSettings {

	private final String keyPrefix;

	private final long maxLength;

	private final @Nullable Duration maxAge;

	private final boolean approximateTrimming;

	private final Duration readBlock;

	private final int readBatchSize;

	private final Duration minBackoff;

	private final Duration maxBackoff;

	private final Duration commandTimeout;

	private RedisSseBrokerSettings(Builder builder) {
		this.keyPrefix = builder.keyPrefix;
		this.maxLength = builder.maxLength;
		this.maxAge = builder.maxAge;
		this.approximateTrimming = builder.approximateTrimming;
		this.readBlock = builder.readBlock;
		this.readBatchSize = builder.readBatchSize;
		this.minBackoff = builder.minBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.commandTimeout = builder.commandTimeout;
		validate();
	}

	private void validate() {
		Assert.notNull(this.keyPrefix, "'keyPrefix' must not be null");
		Assert.isTrue(this.maxLength >= 1, () -> "'maxLength' must be at least 1, was " + this.maxLength);
		Assert.isTrue(this.maxAge == null || isPositive(this.maxAge),
				() -> "'maxAge' must be positive, was " + this.maxAge);
		Assert.isTrue(isPositive(this.readBlock), () -> "'readBlock' must be positive, was " + this.readBlock);
		Assert.isTrue(this.readBatchSize >= 1, () -> "'readBatchSize' must be at least 1, was " + this.readBatchSize);
		Assert.isTrue(isPositive(this.minBackoff), () -> "'minBackoff' must be positive, was " + this.minBackoff);
		Assert.isTrue(this.maxBackoff.compareTo(this.minBackoff) >= 0,
				() -> "'maxBackoff' must not be less than 'minBackoff', was " + this.maxBackoff);
		Assert.isTrue(isPositive(this.commandTimeout),
				() -> "'commandTimeout' must be positive, was " + this.commandTimeout);
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Return a builder starting from the {@link #defaults() defaults}.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the default settings: prefix {@code sse:channel:}, 1000 entries, no age
	 * limit, exact trimming, an idle connection checked every second, reads taking up to
	 * 1000 entries, reconnection backoff from 100 ms to 500 ms, commands timing out after
	 * 5 s.
	 * @return the default settings
	 */
	public static RedisSseBrokerSettings defaults() {
		return builder().build();
	}

	/**
	 * Return a builder starting from these settings.
	 * @return the builder
	 */
	public Builder mutate() {
		return new Builder().keyPrefix(this.keyPrefix)
			.maxLength(this.maxLength)
			.maxAge(this.maxAge)
			.approximateTrimming(this.approximateTrimming)
			.readBlock(this.readBlock)
			.readBatchSize(this.readBatchSize)
			.backoff(this.minBackoff, this.maxBackoff)
			.commandTimeout(this.commandTimeout);
	}

	/**
	 * Return the prefix of the stream keys, followed by the channel name.
	 * @return the key prefix
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Return the most entries a channel's stream keeps.
	 * @return the maximum length
	 */
	public long maxLength() {
		return this.maxLength;
	}

	/**
	 * Return the age after which entries are trimmed.
	 * @return the maximum age, or {@code null} for no age limit
	 */
	public @Nullable Duration maxAge() {
		return this.maxAge;
	}

	/**
	 * Return whether to trim with {@code ~} (cheaper for Redis, keeps somewhat more than
	 * the limits).
	 * @return whether trimming is approximate
	 */
	public boolean approximateTrimming() {
		return this.approximateTrimming;
	}

	/**
	 * Return how long the reader's connection may stay idle before the reader checks it
	 * with a {@code PING} (on a standalone Redis; the reader waits for notifications, not
	 * in a blocking read).
	 * @return the read block
	 */
	public Duration readBlock() {
		return this.readBlock;
	}

	/**
	 * Return the most entries one read takes per channel.
	 * @return the read batch size
	 */
	public int readBatchSize() {
		return this.readBatchSize;
	}

	/**
	 * Return the first wait before reconnecting after Redis is lost.
	 * @return the minimum backoff
	 */
	public Duration minBackoff() {
		return this.minBackoff;
	}

	/**
	 * Return the longest wait between reconnection attempts.
	 * @return the maximum backoff
	 */
	public Duration maxBackoff() {
		return this.maxBackoff;
	}

	/**
	 * Return how long a command may take before it fails.
	 * @return the command timeout
	 */
	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof RedisSseBrokerSettings that && this.keyPrefix.equals(that.keyPrefix)
				&& this.maxLength == that.maxLength && Objects.equals(this.maxAge, that.maxAge)
				&& this.approximateTrimming == that.approximateTrimming && this.readBlock.equals(that.readBlock)
				&& this.readBatchSize == that.readBatchSize && this.minBackoff.equals(that.minBackoff)
				&& this.maxBackoff.equals(that.maxBackoff) && this.commandTimeout.equals(that.commandTimeout));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.keyPrefix, this.maxLength, this.maxAge, this.approximateTrimming, this.readBlock,
				this.readBatchSize, this.minBackoff, this.maxBackoff, this.commandTimeout);
	}

	@Override
	public String toString() {
		return "RedisSseBrokerSettings[keyPrefix=" + this.keyPrefix + ", maxLength=" + this.maxLength + ", maxAge="
				+ this.maxAge + ", approximateTrimming=" + this.approximateTrimming + ", readBlock=" + this.readBlock
				+ ", readBatchSize=" + this.readBatchSize + ", minBackoff=" + this.minBackoff + ", maxBackoff="
				+ this.maxBackoff + ", commandTimeout=" + this.commandTimeout + "]";
	}

	/**
	 * Builder of {@link RedisSseBrokerSettings}, starting from the defaults.
	 */
	public static final class Builder {

		private String keyPrefix = "sse:channel:";

		private long maxLength = 1000;

		private @Nullable Duration maxAge;

		private boolean approximateTrimming;

		private Duration readBlock = Duration.ofSeconds(1);

		private int readBatchSize = 1000;

		private Duration minBackoff = Duration.ofMillis(100);

		private Duration maxBackoff = Duration.ofMillis(500);

		private Duration commandTimeout = Duration.ofSeconds(5);

		private Builder() {
		}

		/**
		 * Set the prefix of the stream keys.
		 * @param keyPrefix the prefix, followed by the channel name
		 * @return this builder
		 */
		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
			return this;
		}

		/**
		 * Set the most entries a channel's stream keeps.
		 * @param maxLength the maximum length, at least 1
		 * @return this builder
		 */
		public Builder maxLength(long maxLength) {
			this.maxLength = maxLength;
			return this;
		}

		/**
		 * Set the age after which entries are trimmed.
		 * @param maxAge the maximum age, or {@code null} for no age limit
		 * @return this builder
		 */
		public Builder maxAge(@Nullable Duration maxAge) {
			this.maxAge = maxAge;
			return this;
		}

		/**
		 * Set whether to trim with {@code ~}.
		 * @param approximateTrimming whether trimming is approximate
		 * @return this builder
		 */
		public Builder approximateTrimming(boolean approximateTrimming) {
			this.approximateTrimming = approximateTrimming;
			return this;
		}

		/**
		 * Set how long the reader's connection may stay idle before the reader checks it
		 * with a {@code PING}.
		 * @param readBlock the read block, positive
		 * @return this builder
		 */
		public Builder readBlock(Duration readBlock) {
			this.readBlock = readBlock;
			return this;
		}

		/**
		 * Set the most entries one read takes per channel.
		 * @param readBatchSize the batch size, at least 1
		 * @return this builder
		 */
		public Builder readBatchSize(int readBatchSize) {
			this.readBatchSize = readBatchSize;
			return this;
		}

		/**
		 * Set the waits between reconnection attempts.
		 * @param minBackoff the first wait, positive
		 * @param maxBackoff the longest wait, not less than the first
		 * @return this builder
		 */
		public Builder backoff(Duration minBackoff, Duration maxBackoff) {
			this.minBackoff = minBackoff;
			this.maxBackoff = maxBackoff;
			return this;
		}

		/**
		 * Set how long a command may take before it fails.
		 * @param commandTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public RedisSseBrokerSettings build() {
			return new RedisSseBrokerSettings(this);
		}

	}

}
