package io.github.ssekit.autoconfigure;

import java.util.Locale;

import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.redis.RedisSseBrokerSettings;
import io.github.ssekit.redis.RedisSseChannelBroker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the Redis channel broker: with {@code sse.broker=redis},
 * channels fan out through Redis Streams on Spring Boot's Lettuce connection, so several
 * instances share their channels and history. Runs before
 * {@link SseChannelsAutoConfiguration}, whose in-memory broker then backs off.
 * <p>
 * {@code sse.broker} is {@code memory} (the default) or {@code redis}; any other value
 * fails startup, as does {@code redis} without Spring Data Redis and Lettuce.
 *
 * @author ssekit
 */
@AutoConfiguration(before = SseChannelsAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "sse.broker")
public final class SseRedisAutoConfiguration {

	/**
	 * Value of {@code sse.broker} that selects the Redis broker.
	 */
	static final String REDIS = "redis";

	/**
	 * Value of {@code sse.broker} that selects the in-memory broker.
	 */
	static final String MEMORY = "memory";

	SseRedisAutoConfiguration(Environment environment) {
		String broker = environment.getProperty("sse.broker", "").trim().toLowerCase(Locale.ROOT);
		if (!broker.equals(REDIS) && !broker.equals(MEMORY)) {
			throw new IllegalArgumentException(
					"sse.broker must be 'memory' or 'redis', was '" + environment.getProperty("sse.broker") + "'");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sse.broker", havingValue = REDIS)
	@ConditionalOnClass(name = { "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
			"io.lettuce.core.RedisClient" })
	@EnableConfigurationProperties(SseRedisProperties.class)
	static class RedisBrokerConfiguration {

		@Bean
		@ConditionalOnMissingBean(SseChannelBroker.class)
		RedisSseChannelBroker sseChannelBroker(ObjectProvider<RedisConnectionFactory> connectionFactory,
				SseRedisProperties properties) {
			RedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (!(factory instanceof LettuceConnectionFactory lettuce)) {
				throw new IllegalStateException("sse.broker=redis needs Spring Boot's Lettuce RedisConnectionFactory, "
						+ ((factory != null) ? "found " + factory.getClass().getName()
								: "found no RedisConnectionFactory bean (is DataRedisAutoConfiguration excluded?)"));
			}
			return new RedisSseChannelBroker(lettuce, settings(properties));
		}

		private static RedisSseBrokerSettings settings(SseRedisProperties properties) {
			SseRedisProperties.Reconnect reconnect = properties.getReconnect();
			if (reconnect.getMaxBackoff().compareTo(reconnect.getMinBackoff()) < 0) {
				throw new IllegalArgumentException("sse.redis.reconnect.max-backoff must not be less than "
						+ "sse.redis.reconnect.min-backoff, was " + reconnect.getMaxBackoff() + " < "
						+ reconnect.getMinBackoff());
			}
			SseRedisProperties.History history = properties.getHistory();
			return RedisSseBrokerSettings.builder()
				.keyPrefix(properties.getKeyPrefix())
				.maxLength(history.getMaxLength())
				.maxAge(history.getMaxAge().isZero() ? null : history.getMaxAge())
				.approximateTrimming(history.isApproximateTrimming())
				.readBlock(properties.getRead().getBlock())
				.readBatchSize(properties.getRead().getBatchSize())
				.backoff(reconnect.getMinBackoff(), reconnect.getMaxBackoff())
				.commandTimeout(properties.getCommandTimeout())
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sse.broker", havingValue = REDIS)
	@Conditional(RedisClassesMissing.class)
	static class MissingRedisConfiguration {

		@Bean
		@ConditionalOnMissingBean(SseChannelBroker.class)
		SseChannelBroker sseChannelBroker() {
			throw new IllegalStateException("sse.broker=redis needs Spring Data Redis with Lettuce on the classpath: "
					+ "add the dependency org.springframework.boot:spring-boot-starter-data-redis");
		}

	}

	static class RedisClassesMissing extends AnyNestedCondition {

		RedisClassesMissing() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnMissingClass("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
		static class SpringDataRedisMissing {

		}

		@ConditionalOnMissingClass("io.lettuce.core.RedisClient")
		static class LettuceMissing {

		}

	}

}
