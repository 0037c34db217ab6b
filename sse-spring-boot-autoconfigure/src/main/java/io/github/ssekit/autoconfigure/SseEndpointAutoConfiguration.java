package io.github.ssekit.autoconfigure;

import io.github.ssekit.actuate.SseEndpoint;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.stream.SseStreamRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@code sse} Actuator endpoint, which lists the channels with
 * their subscriber counts and history sizes.
 *
 * @author ssekit
 */
@AutoConfiguration(after = { SseAutoConfiguration.class, SseChannelsAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(SseStreamRegistry.class)
@ConditionalOnAvailableEndpoint(SseEndpoint.class)
public final class SseEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseEndpoint sseEndpoint(SseStreamRegistry registry, ObjectProvider<SseChannels> channels) {
		return new SseEndpoint(registry, channels.getIfAvailable());
	}

}
