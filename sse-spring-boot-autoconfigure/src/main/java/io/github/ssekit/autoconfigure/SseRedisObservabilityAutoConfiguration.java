package io.github.ssekit.autoconfigure;

import io.github.ssekit.redis.RedisSseBrokerHealthIndicator;
import io.github.ssekit.redis.RedisSseBrokerMetrics;
import io.github.ssekit.redis.RedisSseChannelBroker;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health and metrics of the Redis channel broker: the {@code sseBroker} health
 * contributor (when Spring Boot's health support is present) and the {@code sse.redis.*}
 * meters (when Micrometer is).
 *
 * @author ssekit
 */
@AutoConfiguration(after = SseRedisAutoConfiguration.class)
@ConditionalOnBean(RedisSseChannelBroker.class)
public final class SseRedisObservabilityAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("ssebroker")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sseBrokerHealthIndicator")
		RedisSseBrokerHealthIndicator sseBrokerHealthIndicator(RedisSseChannelBroker broker) {
			return new RedisSseBrokerHealthIndicator(broker);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisSseBrokerMetrics sseRedisBrokerMetrics(RedisSseChannelBroker broker) {
			RedisSseBrokerMetrics metrics = new RedisSseBrokerMetrics(broker);
			broker.setObserver(metrics);
			return metrics;
		}

	}

}
