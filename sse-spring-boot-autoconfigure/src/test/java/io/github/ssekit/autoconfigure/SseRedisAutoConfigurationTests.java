package io.github.ssekit.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.redis.RedisServer;
import io.github.ssekit.redis.RedisSseBrokerHealthIndicator;
import io.github.ssekit.redis.RedisSseBrokerMetrics;
import io.github.ssekit.redis.RedisSseBrokerSettings;
import io.github.ssekit.redis.RedisSseChannelBroker;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SseRedisAutoConfiguration} and
 * {@link SseRedisObservabilityAutoConfiguration}.
 *
 * @author ssekit
 */
class SseRedisAutoConfigurationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseChannelsAutoConfiguration.class,
				SseRedisAutoConfiguration.class, SseRedisObservabilityAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void inMemoryBrokerIsTheDefaultEvenWithRedisOnTheClasspath() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(InMemorySseChannelBroker.class)
			.doesNotHaveBean(RedisSseChannelBroker.class)
			.doesNotHaveBean(RedisSseBrokerHealthIndicator.class));
	}

	@Test
	void brokerMemorySelectsTheInMemoryBroker() {
		this.contextRunner.withPropertyValues("sse.broker=memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemorySseChannelBroker.class)
				.doesNotHaveBean(RedisSseChannelBroker.class));
	}

	@Test
	void brokerRedisBacksChannelsWithRedis() {
		this.contextRunner
			.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + redis.port(),
					"sse.redis.key-prefix=autoconfig-test:")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisSseChannelBroker.class)
					.doesNotHaveBean(InMemorySseChannelBroker.class)
					.hasSingleBean(RedisSseBrokerHealthIndicator.class)
					.hasSingleBean(RedisSseBrokerMetrics.class);
				SseEvent event = context.getBean(SseChannels.class).channel("news").publish(SseEvent.of("hello"));
				try (RedisClient client = RedisClient.create(redis.uri())) {
					assertThat(client.connect()
						.sync()
						.xrange("autoconfig-test:news", io.lettuce.core.Range.create("-", "+"))).singleElement()
						.satisfies((entry) -> assertThat(entry.getId()).isEqualTo(event.id()));
				}
				assertThat(context.getBean(RedisSseBrokerHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP);
			});
	}

	@Test
	void propertiesAreBound() {
		this.contextRunner
			.withPropertyValues("sse.broker=REDIS", "spring.data.redis.port=" + redis.port(),
					"sse.redis.history.max-length=50", "sse.redis.history.max-age=1m",
					"sse.redis.history.approximate-trimming=true", "sse.redis.read.block=200ms",
					"sse.redis.read.batch-size=10", "sse.redis.reconnect.min-backoff=1s",
					"sse.redis.reconnect.max-backoff=2s", "sse.redis.command-timeout=3s")
			.run((context) -> assertThat(context.getBean(RedisSseChannelBroker.class).getSettings())
				.isEqualTo(RedisSseBrokerSettings.builder()
					.maxLength(50)
					.maxAge(Duration.ofMinutes(1))
					.approximateTrimming(true)
					.readBlock(Duration.ofMillis(200))
					.readBatchSize(10)
					.backoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
					.commandTimeout(Duration.ofSeconds(3))
					.build()));
	}

	@Test
	void zeroMaxAgeMeansNoAgeLimit() {
		this.contextRunner
			.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + redis.port(),
					"sse.redis.history.max-age=0")
			.run((context) -> assertThat(context.getBean(RedisSseChannelBroker.class).getSettings().maxAge()).isNull());
		this.contextRunner
			.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + redis.port(),
					"sse.channels.history.max-age=0")
			.run((context) -> assertThat(context.getBean(RedisSseChannelBroker.class).getSettings().maxAge()).isNull());
	}

	@Test
	void historyBoundsAreTheChannelsOnesWithTheDeprecatedRedisNamesAsFallback() {
		String port = "spring.data.redis.port=" + redis.port();
		this.contextRunner.withPropertyValues("sse.broker=redis", port).run((context) -> {
			RedisSseBrokerSettings settings = context.getBean(RedisSseChannelBroker.class).getSettings();
			assertThat(settings.maxLength()).as("Redis's default").isEqualTo(1000);
			assertThat(settings.maxAge()).isEqualTo(Duration.ofMinutes(5));
		});
		this.contextRunner
			.withPropertyValues("sse.broker=redis", port, "sse.channels.history.max-events=42",
					"sse.channels.history.max-age=3m")
			.run((context) -> {
				RedisSseBrokerSettings settings = context.getBean(RedisSseChannelBroker.class).getSettings();
				assertThat(settings.maxLength()).isEqualTo(42);
				assertThat(settings.maxAge()).isEqualTo(Duration.ofMinutes(3));
			});
		this.contextRunner
			.withPropertyValues("sse.broker=redis", port, "sse.channels.history.max-events=42",
					"sse.redis.history.max-length=7")
			.run((context) -> assertThat(context.getBean(RedisSseChannelBroker.class).getSettings().maxLength())
				.as("the new name wins")
				.isEqualTo(42));
		this.contextRunner.withPropertyValues("sse.broker=redis", port, "sse.channels.history.max-events=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must be at least 1 with sse.broker=redis"));
	}

	@Test
	void redisHistoryNamesAreDeprecatedInTheMetadata() throws IOException {
		String metadata = new ClassPathResource("META-INF/spring-configuration-metadata.json")
			.getContentAsString(StandardCharsets.UTF_8);
		for (String[] renamed : new String[][] { { "sse.redis.history.max-length", "sse.channels.history.max-events" },
				{ "sse.redis.history.max-age", "sse.channels.history.max-age" } }) {
			int at = metadata.indexOf("\"name\": \"" + renamed[0] + "\"");
			assertThat(at).as(renamed[0]).isPositive();
			String entry = metadata.substring(at, metadata.indexOf('}', metadata.indexOf("\"deprecation\"", at)));
			assertThat(entry).contains("\"replacement\": \"" + renamed[1] + "\"");
		}
	}

	@Test
	void applicationStartsWhenRedisIsDownAndReportsItDown() throws Exception {
		int unusedPort = freePort();
		this.contextRunner.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + unusedPort)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisSseChannelBroker broker = context.getBean(RedisSseChannelBroker.class);
				assertThat(broker.isConnected()).isFalse();
				assertThat(context.getBean(RedisSseBrokerHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.DOWN);
			});
	}

	@Test
	void metricsRecordPublishes() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.contextRunner.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + redis.port())
			.run((context) -> {
				context.getBean(RedisSseBrokerMetrics.class).bindTo(registry);
				SseChannels channels = context.getBean(SseChannels.class);
				CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
				RedisSseChannelBroker broker = context.getBean(RedisSseChannelBroker.class);
				broker.listen("metrics", (event) -> received.add(event.id()));
				channels.channel("metrics").publish(SseEvent.of("one"));
				channels.channel("metrics").publish(SseEvent.of("two"));
				await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
				assertThat(registry.get("sse.redis.publish").timer().count()).isEqualTo(2);
				assertThat(registry.get("sse.redis.read.lag").timer().count()).isEqualTo(2);
				assertThat(registry.get("sse.redis.connected").gauge().value()).isEqualTo(1);
				assertThat(registry.get("sse.redis.reconnects").counter().count()).isZero();
			});
	}

	@Test
	void unknownBrokerFailsStartupNamingThePropertyAndTheValidBrokers() {
		this.contextRunner.withPropertyValues("sse.broker=redsi").run((context) -> {
			assertThat(context).hasFailed();
			BindException failure = findCause(context.getStartupFailure(), BindException.class);
			assertThat(failure.getName()).hasToString("sse.broker");
			assertThat(failure.getTarget().getType().resolve()).as("the enum whose values Boot's report lists")
				.isEqualTo(SseBrokerType.class);
		});
	}

	@Test
	void brokerNamesBindRelaxedly() {
		this.contextRunner.withPropertyValues("sse.broker=Memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemorySseChannelBroker.class));
	}

	@Test
	void missingRedisIsReportedWithWhatToAdd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("sse.broker=redis")
			.run((context) -> {
				FailureAnalysis analysis = new RedisBrokerUnavailableFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("sse.broker=redis needs Spring Data Redis with Lettuce");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis");
			});
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
	}

	@Test
	void brokerRedisWithoutSpringDataRedisFailsStartupWithAMessage() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("sse.broker=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.broker=redis needs Spring Data Redis with Lettuce on the classpath"));
	}

	@Test
	void brokerRedisWithoutLettuceFailsStartupWithAMessage() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withPropertyValues("sse.broker=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.broker=redis needs Spring Data Redis with Lettuce on the classpath"));
	}

	@Test
	void invalidRedisPropertiesFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.broker=redis", "sse.redis.history.max-length=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("sse.redis.history.max-length with value '0' is invalid: must be at least 1"));
		this.contextRunner
			.withPropertyValues("sse.broker=redis", "sse.redis.reconnect.min-backoff=2s",
					"sse.redis.reconnect.max-backoff=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("sse.redis.reconnect.max-backoff with value 'PT1S' is invalid")
				.hasMessageContaining("must not be less than sse.redis.reconnect.min-backoff"));
	}

	@Test
	void userBrokerBacksOff() {
		this.contextRunner.withPropertyValues("sse.broker=redis", "spring.data.redis.port=" + redis.port())
			.withUserConfiguration(UserBrokerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SseChannelBroker.class)
				.hasBean("userBroker")
				.doesNotHaveBean(RedisSseChannelBroker.class)
				.doesNotHaveBean(RedisSseBrokerHealthIndicator.class));
	}

	private static int freePort() throws Exception {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBrokerConfiguration {

		@Bean
		SseChannelBroker userBroker() {
			return new InMemorySseChannelBroker(10, Duration.ofMinutes(1));
		}

	}

}
