package io.github.ssekit.autoconfigure;

import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.metrics.SseMetrics;
import io.github.ssekit.stream.SseStreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration for the Micrometer meters of streams and channels. The
 * {@link SseMetrics} binder is bound to the application's meter registries by Spring
 * Boot's metrics support; as a {@code StreamObserver} and {@code SseChannelObserver} bean
 * it is told about streams and channels by the registry and the channels, which take
 * every such bean.
 *
 * @author ssekit
 */
@AutoConfiguration(after = { SseAutoConfiguration.class, SseChannelsAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(SseStreamRegistry.class)
public final class SseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseMetrics sseMetrics(ObjectProvider<SseChannels> channels, SseProperties properties) {
		// resolved once, when a gauge is first read after the channels exist
		return new SseMetrics(SingletonSupplier.of(channels::getIfAvailable),
				properties.getChannels().getMetrics().getTaggedChannels());
	}

}
