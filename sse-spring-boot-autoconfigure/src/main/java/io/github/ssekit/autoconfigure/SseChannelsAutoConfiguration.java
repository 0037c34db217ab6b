package io.github.ssekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.SseDataSerializer;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannelAuthorizer;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseChannelObserver;
import io.github.ssekit.channel.SseChannels;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration for {@link SseChannels}: named topics that fan events out to many
 * streams, with {@code Last-Event-ID} replay from a bounded history. The history lives in
 * memory unless another {@link SseChannelBroker} bean is defined (a broker
 * auto-configuration that runs before this one, such as Redis, takes precedence).
 *
 * @author ssekit
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseProperties.class)
public final class SseChannelsAutoConfiguration {

	/**
	 * Events each channel keeps in memory when sse.channels.history.max-events is not
	 * set.
	 */
	static final int DEFAULT_MAX_EVENTS = 100;

	@Bean
	@ConditionalOnMissingBean(SseChannelBroker.class)
	InMemorySseChannelBroker sseChannelBroker(SseProperties properties) {
		SseProperties.Channels.History history = properties.getChannels().getHistory();
		Integer maxEvents = history.getMaxEvents();
		return new InMemorySseChannelBroker((maxEvents != null) ? maxEvents : DEFAULT_MAX_EVENTS, history.getMaxAge());
	}

	@Bean
	@ConditionalOnMissingBean(SseChannels.class)
	DefaultSseChannels sseChannels(SseChannelBroker broker, ObjectProvider<SseDataSerializer> dataSerializer,
			ObjectProvider<SseChannelAuthorizer> authorizers, ObjectProvider<SseChannelObserver> observers,
			SseProperties properties) {
		DefaultSseChannels channels = new DefaultSseChannels(broker, dataSerializer.getIfAvailable(),
				properties.getChannels().getMaxEventSize().toBytes());
		List<SseChannelAuthorizer> all = new ArrayList<>();
		List<String> userChannels = properties.getChannels().getUserChannels();
		if (!userChannels.isEmpty()) {
			all.add(userChannelAuthorizer(userChannels));
		}
		authorizers.orderedStream().forEach(all::add);
		channels.setAuthorizers(all);
		channels.setObserver(SseChannelObserver.of(observers.orderedStream().toList()));
		return channels;
	}

	private static SseChannelAuthorizer userChannelAuthorizer(List<String> patterns) {
		try {
			return SseChannelAuthorizer.userChannels(patterns);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("sse.channels.user-channels", patterns,
					ex.getMessage());
		}
	}

}
