package io.github.ssekit.autoconfigure;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.actuate.SseEndpoint;
import io.github.ssekit.actuate.SseEndpoint.ChannelDescriptor;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.metrics.SseMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseMetricsAutoConfiguration} and {@link SseEndpointAutoConfiguration}.
 *
 * @author ssekit
 */
class SseMetricsAndEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseChannelsAutoConfiguration.class,
				SseMetricsAutoConfiguration.class, SseEndpointAutoConfiguration.class, WebMvcAutoConfiguration.class,
				JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));

	@Test
	void metersAreBoundToTheApplicationRegistry() {
		this.contextRunner.withPropertyValues("sse.channels.metrics.tagged-channels=prices").run((context) -> {
			assertThat(context).hasSingleBean(SseMetrics.class);
			SseChannels channels = context.getBean(SseChannels.class);
			channels.channel("prices").publish(SseEvent.of("1"));
			channels.channel("user-7").publish(SseEvent.of("2"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("sse.streams.open").gauge().value()).isZero();
			assertThat(registry.get("sse.channel.events.published").tag("channel", "prices").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get("sse.channel.events.published").tag("channel", "other").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.find("sse.channel.events.published").tag("channel", "user-7").meters()).isEmpty();
			SseStream stream = context.getBean(SseStreamFactory.class).create();
			assertThat(registry.get("sse.streams.open").gauge().value()).as("told by the stream registry").isOne();
			channels.channel("prices").subscribe(stream);
			assertThat(registry.get("sse.channel.subscribers").tag("channel", "prices").gauge().value()).isOne();
			stream.close();
		});
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseChannelsAutoConfiguration.class,
					SseMetricsAutoConfiguration.class, WebMvcAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseMetrics.class).hasSingleBean(SseChannels.class));
	}

	@Test
	void endpointListsChannelsWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse").run((context) -> {
			assertThat(context).hasSingleBean(SseEndpoint.class);
			SseChannels channels = context.getBean(SseChannels.class);
			channels.channel("b").publish(SseEvent.of("x"));
			channels.channel("a").publish(SseEvent.of("y"));
			channels.channel("a").publish(SseEvent.of("z"));
			SseEndpoint.SseDescriptor descriptor = context.getBean(SseEndpoint.class).sse();
			assertThat(descriptor.openStreams()).isZero();
			assertThat(descriptor.channels()).containsExactly(new ChannelDescriptor("a", 0, 2),
					new ChannelDescriptor("b", 0, 1));
		});
	}

	@Test
	void endpointIsAbsentWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SseEndpoint.class));
	}

	@Test
	void endpointIsAbsentWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseEndpoint.class));
	}

}
