package io.github.ssekit.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannelAccessDeniedException;
import io.github.ssekit.channel.SseChannelAuthorizer;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.channel.SseEventTooLargeException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link SseChannelsAutoConfiguration}.
 *
 * @author ssekit
 */
class SseChannelsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseChannelsAutoConfiguration.class,
				WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void channelsAndInMemoryBrokerArePresent() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SseChannels.class)
			.hasSingleBean(DefaultSseChannels.class)
			.hasSingleBean(InMemorySseChannelBroker.class));
	}

	@Test
	void userChannelsAndAuthorizerBeansAllDecideWhoSubscribes() {
		this.contextRunner.withPropertyValues("sse.channels.user-channels=user:{name}")
			.withBean("noRooms", SseChannelAuthorizer.class, () -> (principal, channel) -> !channel.startsWith("room:"))
			.run((context) -> {
				SseChannels channels = context.getBean(SseChannels.class);
				SseStream bob = mock(SseStream.class);
				given(bob.principal()).willReturn(() -> "bob");
				assertThatExceptionOfType(SseChannelAccessDeniedException.class)
					.isThrownBy(() -> channels.channel("user:ann").subscribe(bob));
				assertThatExceptionOfType(SseChannelAccessDeniedException.class)
					.isThrownBy(() -> channels.channel("room:1").subscribe(bob));
				channels.channel("user:bob").subscribe(bob);
				assertThat(channels.channel("user:bob").subscriberCount()).isOne();
			});
	}

	@Test
	void userChannelWithoutPlaceholderFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.channels.user-channels=user:")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.channels.user-channels")
				.hasMessageContaining("{name}"));
	}

	@Test
	void historyPropertiesAreBound() {
		this.contextRunner
			.withPropertyValues("sse.channels.history.max-events=3", "sse.channels.history.max-age=2m",
					"sse.channels.metrics.tagged-channels=prices,chat")
			.run((context) -> {
				SseProperties.Channels channels = context.getBean(SseProperties.class).getChannels();
				assertThat(channels.getHistory().getMaxEvents()).isEqualTo(3);
				assertThat(channels.getHistory().getMaxAge()).isEqualTo(Duration.ofMinutes(2));
				assertThat(channels.getMetrics().getTaggedChannels()).containsExactly("prices", "chat");
				SseChannel channel = context.getBean(SseChannels.class).channel("c");
				for (int i = 0; i < 5; i++) {
					channel.publish(SseEvent.of(Integer.toString(i)));
				}
				assertThat(channel.historySize()).isEqualTo(3);
			});
	}

	@Test
	void defaultsAreOneHundredEventsForFiveMinutes() {
		this.contextRunner.run((context) -> {
			SseProperties.Channels.History history = context.getBean(SseProperties.class).getChannels().getHistory();
			assertThat(history.getMaxEvents()).as("not set: the broker's default").isNull();
			assertThat(history.getMaxAge()).isEqualTo(Duration.ofMinutes(5));
			SseChannel channel = context.getBean(SseChannels.class).channel("defaults");
			for (int i = 0; i < 150; i++) {
				channel.publish(SseEvent.of("e" + i));
			}
			assertThat(channel.historySize()).isEqualTo(100);
		});
	}

	@Test
	void maxEventSizeIsBoundAndRefusesLargerEvents() {
		this.contextRunner.withPropertyValues("sse.channels.max-event-size=1KB").run((context) -> {
			SseChannel channel = context.getBean(SseChannels.class).channel("c");
			assertThatExceptionOfType(SseEventTooLargeException.class)
				.isThrownBy(() -> channel.publish(SseEvent.of("x".repeat(1100))));
		});
	}

	@Test
	void maxEventSizeDefaultsTo256Kilobytes() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(SseProperties.class).getChannels().getMaxEventSize().toKilobytes())
			.isEqualTo(256));
	}

	@Test
	void objectDataIsSerialisedWithTheApplicationJsonMapper() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(SseChannels.class).channel("c").publish("point", Map.of("x", 1)).data())
			.isEqualTo("{\"x\":1}"));
	}

	@Test
	void invalidHistoryPropertiesFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.channels.history.max-events=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.channels.history.max-events"));
		this.contextRunner.withPropertyValues("sse.channels.history.max-age=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.channels.history.max-age"));
	}

	@Test
	void userBrokerBacksOff() {
		this.contextRunner.withUserConfiguration(UserBrokerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SseChannelBroker.class).doesNotHaveBean("sseChannelBroker");
			assertThat(((DefaultSseChannels) context.getBean(SseChannels.class)).broker())
				.isSameAs(context.getBean(SseChannelBroker.class));
		});
	}

	@Test
	void userChannelsBackOff() {
		this.contextRunner.withUserConfiguration(UserChannelsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SseChannels.class)
				.getBean(SseChannels.class)
				.isSameAs(context.getBean(UserChannelsConfiguration.class).channels));
	}

	@Test
	void disabledBySseEnabledFalse() {
		this.contextRunner.withPropertyValues("sse.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SseChannels.class)
				.doesNotHaveBean(SseChannelBroker.class));
	}

	@Test
	void absentOutsideServletWebApplications() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseChannelsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseChannels.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBrokerConfiguration {

		@Bean
		SseChannelBroker customBroker() {
			return new InMemorySseChannelBroker(1, Duration.ofSeconds(1)) {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelsConfiguration {

		final SseChannels channels = new DefaultSseChannels(new InMemorySseChannelBroker(1, Duration.ofSeconds(1)),
				null);

		@Bean
		SseChannels customChannels() {
			return this.channels;
		}

	}

}
