package io.github.ssekit.autoconfigure;

import java.time.Duration;

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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the Redis channel broker: with {@code sse.broker=redis}, channels
 * fan out through Redis Streams on Spring Boot's Lettuce connection (standalone, Sentinel
 * or Cluster, {@code spring.data.redis.cluster.nodes}), so several instances share their
 * channels and history. Runs before {@link SseChannelsAutoConfiguration}, whose in-memory
 * broker then backs off.
 * <p>
 * {@code sse.broker} is a {@link SseBrokerType}, {@code memory} by default; a value that
 * names no broker fails startup with Spring Boot's list of the valid ones, and
 * {@code redis} without Spring Data Redis and Lettuce fails it with what to add.
 *
 * @author ssekit
 */
@AutoConfiguration(before = SseChannelsAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@ConditionalOnSseBroker(SseBrokerType.REDIS)
public final class SseRedisAutoConfiguration {

	private static final String ADD_REDIS = "Add the dependency org.springframework.boot:spring-boot-starter-data-redis, "
			+ "or set sse.broker=memory for channels in this instance only.";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
			"io.lettuce.core.RedisClient" })
	@EnableConfigurationProperties({ SseRedisProperties.class, SseProperties.class })
	static class RedisBrokerConfiguration {

		@Bean
		@ConditionalOnMissingBean(SseChannelBroker.class)
		RedisSseChannelBroker sseChannelBroker(ObjectProvider<RedisConnectionFactory> connectionFactory,
				SseRedisProperties properties, SseProperties sseProperties) {
			SsePropertiesValidator.validate(properties);
			RedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (!(factory instanceof LettuceConnectionFactory lettuce)) {
				throw new RedisBrokerUnavailableException("sse.broker=redis needs Spring Boot's Lettuce "
						+ "RedisConnectionFactory, "
						+ ((factory != null) ? "found " + factory.getClass().getName()
								: "found no RedisConnectionFactory bean (is DataRedisAutoConfiguration excluded?)"),
						"Use Spring Boot's default Lettuce client (spring-boot-starter-data-redis without Jedis) and "
								+ "keep DataRedisAutoConfiguration.");
			}
			return new RedisSseChannelBroker(lettuce, settings(properties, sseProperties.getChannels().getHistory()));
		}

		/**
		 * The broker's settings. The history's bounds are {@code sse.channels.history.*},
		 * as for the in-memory broker; the deprecated
		 * {@code sse.redis.history.max-length} and {@code max-age} still apply when the
		 * new names are not set; without either, the broker's default length. The
		 * properties were validated before.
		 */
		@SuppressWarnings("deprecation")
		private static RedisSseBrokerSettings settings(SseRedisProperties properties,
				SseProperties.Channels.History channelHistory) {
			SseRedisProperties.Reconnect reconnect = properties.getReconnect();
			SseRedisProperties.History history = properties.getHistory();
			Duration maxAge = (history.getMaxAge() != null) ? history.getMaxAge() : channelHistory.getMaxAge();
			RedisSseBrokerSettings.Builder settings = RedisSseBrokerSettings.builder()
				.keyPrefix(properties.getKeyPrefix())
				.maxAge(maxAge.isZero() ? null : maxAge)
				.approximateTrimming(history.isApproximateTrimming())
				.readBlock(properties.getRead().getBlock())
				.readBatchSize(properties.getRead().getBatchSize())
				.backoff(reconnect.getMinBackoff(), reconnect.getMaxBackoff())
				.commandTimeout(properties.getCommandTimeout());
			Integer maxEvents = channelHistory.getMaxEvents();
			Long maxLength = (maxEvents != null) ? Long.valueOf(maxEvents) : history.getMaxLength();
			if (maxLength != null) {
				settings.maxLength(maxLength);
			}
			return settings.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisClassesMissing.class)
	static class MissingRedisConfiguration {

		@Bean
		@ConditionalOnMissingBean(SseChannelBroker.class)
		SseChannelBroker sseChannelBroker() {
			throw new RedisBrokerUnavailableException(
					"sse.broker=redis needs Spring Data Redis with Lettuce on the classpath", ADD_REDIS);
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
