package io.github.ssekit.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseDataSerializer;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.web.SseSessionListener;
import io.github.ssekit.web.SseStreamEndFilter;
import io.github.ssekit.web.SseStreamReturnValueHandler;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseAutoConfiguration}.
 *
 * @author ssekit
 */
class SseAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, WebMvcAutoConfiguration.class,
				JacksonAutoConfiguration.class));

	@Test
	void beansArePresentInServletWebApplication() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseStreamFactory.class)
				.hasSingleBean(SseStreamRegistry.class)
				.hasSingleBean(SseStreamReturnValueHandler.class)
				.hasSingleBean(SseDataSerializer.class)
				.hasSingleBean(SseProperties.class);
		});
	}

	@Test
	void returnValueHandlerComesFirst() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(RequestMappingHandlerAdapter.class).getReturnValueHandlers())
				.first()
				.isSameAs(context.getBean(SseStreamReturnValueHandler.class)));
	}

	@Test
	void dataSerializerUsesApplicationJsonMapper() {
		this.contextRunner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> assertThat(context.getBean(SseDataSerializer.class).serialize(new Sample(3)))
				.isEqualTo("{\"some_value\":3}"));
	}

	@Test
	void userFactoryBacksOff() {
		this.contextRunner.withUserConfiguration(UserFactoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SseStreamFactory.class);
			assertThat(context.getBean(SseStreamFactory.class))
				.isSameAs(context.getBean(UserFactoryConfiguration.class).factory);
		});
	}

	@Test
	void userDataSerializerBacksOff() {
		this.contextRunner.withUserConfiguration(UserSerializerConfiguration.class)
			.run((context) -> assertThat(context.getBean(SseDataSerializer.class).serialize(1)).isEqualTo("custom"));
	}

	@Test
	void noDataSerializerWithoutJackson() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			assertThat(context).hasSingleBean(SseStreamFactory.class);
			assertThat(context).doesNotHaveBean(SseDataSerializer.class);
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("sse.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SseStreamFactory.class)
				.doesNotHaveBean(SseStreamRegistry.class));
	}

	@Test
	void inactiveInNonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseStreamFactory.class));
	}

	@Test
	void inactiveInReactiveApplication() {
		new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseStreamFactory.class));
	}

	@Test
	void inactiveWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseStreamFactory.class));
	}

	@Test
	void propertiesBind() {
		this.contextRunner.withPropertyValues("sse.heartbeat.interval=5s", "sse.timeout=10m", "sse.retry=2s",
				"sse.headers.x-accel-buffering=false", "sse.headers.cache-control=no-store", "sse.headers.extra.X-A=b",
				"sse.last-event-id.query-parameter=lastEventId", "sse.last-event-id.max-length=64",
				"sse.stream.max-queued-events=10", "sse.stream.max-queued-bytes=64KB",
				"sse.stream.overflow=drop-oldest", "sse.stream.write-timeout=5s", "sse.shutdown.event=bye",
				"sse.shutdown.timeout=3s", "sse.max-streams=100")
			.run((context) -> {
				SseProperties properties = context.getBean(SseProperties.class);
				assertThat(properties.getHeartbeat().getInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getTimeout()).isEqualTo(Duration.ofMinutes(10));
				assertThat(properties.getRetry()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getHeaders().isXAccelBuffering()).isFalse();
				assertThat(properties.getHeaders().getCacheControl()).isEqualTo("no-store");
				assertThat(properties.getHeaders().getExtra()).containsEntry("X-A", "b");
				assertThat(properties.getLastEventId().getQueryParameter()).isEqualTo("lastEventId");
				assertThat(properties.getLastEventId().getMaxLength()).isEqualTo(64);
				assertThat(properties.getStream().getMaxQueuedEvents()).isEqualTo(10);
				assertThat(properties.getStream().getMaxQueuedBytes().toKilobytes()).isEqualTo(64);
				assertThat(properties.getStream().getOverflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
				assertThat(properties.getStream().getWriteTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getShutdown().getEvent()).isEqualTo("bye");
				assertThat(properties.getShutdown().getTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getMaxStreams()).isEqualTo(100);
			});
	}

	@Test
	void aClientThatTakesNoBytesForTenSecondsIsDisconnectedByDefault() {
		this.contextRunner.run((context) -> {
			SseProperties.Stream stream = context.getBean(SseProperties.class).getStream();
			assertThat(stream.getWriteTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(stream.getMaxQueuedEvents()).isEqualTo(1000);
			assertThat(stream.getOverflow()).isEqualTo(OverflowPolicy.DISCONNECT);
		});
	}

	@Test
	void streamRequestsDispatchesAreEndedByAFilterAheadOfTheApplicationsAndSessionsCloseTheirStreams() {
		this.contextRunner.run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("sseStreamEndFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isInstanceOf(SseStreamEndFilter.class);
			assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
			assertThat(registration).extracting("dispatcherTypes")
				.isEqualTo(EnumSet.of(DispatcherType.ASYNC, DispatcherType.ERROR));
			assertThat(context).hasSingleBean(SseSessionListener.class);
		});
	}

	@Test
	void maxStreamsPerUserBelowOneFailsNamingTheProperty() {
		assertStartupFails("sse.max-streams-per-user=0", "sse.max-streams-per-user");
	}

	@Test
	void corsHeadersInExtraHeadersFailNamingThePropertyAndSpringsCorsSupport() {
		assertStartupFails("sse.headers.extra.Access-Control-Allow-Origin=*",
				"sse.headers.extra.Access-Control-Allow-Origin");
		assertStartupFails("sse.headers.extra.access-control-allow-credentials=true", "CorsConfigurationSource");
	}

	@Test
	void negativeHeartbeatFailsNamingTheProperty() {
		assertStartupFails("sse.heartbeat.interval=-1s", "sse.heartbeat.interval");
	}

	@Test
	void negativeRetryFailsNamingTheProperty() {
		assertStartupFails("sse.retry=-5ms", "sse.retry");
	}

	@Test
	void zeroTimeoutFailsNamingTheProperty() {
		assertStartupFails("sse.timeout=0s", "sse.timeout");
		assertStartupFails("sse.stream.max-lifetime=0s", "sse.stream.max-lifetime");
	}

	@Test
	void invalidValuesFailStartupWithBootsInvalidPropertyException() {
		this.contextRunner.withPropertyValues("sse.stream.max-queued-bytes=0B").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("sse.stream.max-queued-bytes")
				.hasMessageContaining("must be at least 1B");
		});
	}

	@Test
	void zeroTomcatBufferSizesFailNamingTheProperty() {
		assertStartupFails("sse.tomcat.socket-read-buffer-size=0B", "sse.tomcat.socket-read-buffer-size");
		assertStartupFails("sse.tomcat.socket-write-buffer-size=0B", "sse.tomcat.socket-write-buffer-size");
		assertStartupFails("sse.tomcat.max-trailer-size=0B", "sse.tomcat.max-trailer-size");
		assertStartupFails("sse.tomcat.max-trailer-size=4GB", "sse.tomcat.max-trailer-size");
	}

	@Test
	void tomcatCustomizerIsPresentWithTomcatOnTheClasspath() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SseTomcatConnectorCustomizer.class));
	}

	@Test
	void maxLifetimeIsSetByStreamMaxLifetimeOrItsDeprecatedNameTimeout() {
		this.contextRunner.withPropertyValues("sse.stream.max-lifetime=10m")
			.run((context) -> assertThat(context.getBean(SseStreamRegistry.class)).extracting("settings.maxLifetime")
				.isEqualTo(Duration.ofMinutes(10)));
		this.contextRunner.withPropertyValues("sse.timeout=7m")
			.run((context) -> assertThat(context.getBean(SseStreamRegistry.class)).extracting("settings.maxLifetime")
				.isEqualTo(Duration.ofMinutes(7)));
		this.contextRunner.withPropertyValues("sse.timeout=7m", "sse.stream.max-lifetime=3m")
			.run((context) -> assertThat(context.getBean(SseStreamRegistry.class)).extracting("settings.maxLifetime")
				.isEqualTo(Duration.ofMinutes(3)));
	}

	@Test
	void timeoutIsDeprecatedInTheMetadataInFavourOfStreamMaxLifetime() throws IOException {
		String metadata = new ClassPathResource("META-INF/spring-configuration-metadata.json")
			.getContentAsString(StandardCharsets.UTF_8);
		int timeout = metadata.indexOf("\"name\": \"sse.timeout\"");
		assertThat(timeout).as("sse.timeout in the metadata").isPositive();
		String entry = metadata.substring(timeout, metadata.indexOf('}', metadata.indexOf("\"deprecation\"", timeout)));
		assertThat(entry).contains("\"replacement\": \"sse.stream.max-lifetime\"");
		assertThat(metadata).contains("\"name\": \"sse.stream.max-lifetime\"");
	}

	@Test
	void zeroMaxLengthFailsNamingTheProperty() {
		assertStartupFails("sse.last-event-id.max-length=0", "sse.last-event-id.max-length");
	}

	@Test
	void unknownOverflowPolicyFailsNamingTheProperty() {
		assertStartupFails("sse.stream.overflow=explode", "sse.stream.overflow");
	}

	@Test
	void zeroMaxStreamsFailsNamingTheProperty() {
		assertStartupFails("sse.max-streams=0", "sse.max-streams");
	}

	@Test
	void factoryCreatesOpenStreams() {
		this.contextRunner.run((context) -> {
			SseStream stream = context.getBean(SseStreamFactory.class).create();
			assertThat(stream.isOpen()).isTrue();
			stream.close();
			assertThat(stream.isOpen()).isFalse();
		});
	}

	private void assertStartupFails(String property, String name) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			assertThat(messages).contains(name);
		});
	}

	record Sample(int someValue) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		final SseStreamFactory factory = new SseStreamFactory() {

			@Override
			public SseStream create() {
				throw new UnsupportedOperationException();
			}

			@Override
			public SseStream create(Producer producer) {
				throw new UnsupportedOperationException();
			}

			@Override
			public <T> SseStream from(Object source, @Nullable Function<? super T, SseEvent> mapper,
					@Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent) {
				throw new UnsupportedOperationException();
			}

			@Override
			public int closeStreamsOf(String principalName) {
				throw new UnsupportedOperationException();
			}

		};

		@Bean
		SseStreamFactory userFactory() {
			return this.factory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSerializerConfiguration {

		@Bean
		SseDataSerializer userSerializer() {
			return (data) -> "custom";
		}

	}

}
