package io.github.ssekit.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.redis.RedisCluster;
import io.github.ssekit.redis.RedisSseBrokerHealthIndicator;
import io.github.ssekit.redis.RedisSseChannelBroker;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SseRedisAutoConfiguration} with Spring Boot's connection factory
 * configured for Redis Cluster ({@code spring.data.redis.cluster.nodes}).
 *
 * @author ssekit
 */
class SseRedisClusterAutoConfigurationTests {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseChannelsAutoConfiguration.class,
				SseRedisAutoConfiguration.class, SseRedisObservabilityAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WebMvcAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void clusterConfiguredConnectionFactoryBacksChannels() {
		String nodes = cluster.ports().stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
		this.contextRunner
			.withPropertyValues("sse.broker=redis", "spring.data.redis.cluster.nodes=" + nodes,
					"sse.redis.key-prefix=autoconfig-cluster:")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RedisSseChannelBroker.class);
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.isClusterAware()).isTrue();
				assertThat(factory.getNativeClient()).isInstanceOf(RedisClusterClient.class);
				RedisSseChannelBroker broker = context.getBean(RedisSseChannelBroker.class);
				List<String> received = new CopyOnWriteArrayList<>();
				List<String> channels = IntStream.range(0, 12).mapToObj((i) -> "room-" + i).toList();
				assertThat(channels.stream().map((channel) -> cluster.master("autoconfig-cluster:" + channel)))
					.as("the channels' keys are on every master")
					.contains(0, 1, 2);
				for (String channel : channels) {
					broker.listen(channel, (SseChannelBroker.Listener) (event) -> received.add(event.id()));
				}
				SseChannels sseChannels = context.getBean(SseChannels.class);
				List<String> ids = channels.stream()
					.map((channel) -> sseChannels.channel(channel).publish(SseEvent.of("hello " + channel)).id())
					.toList();
				await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= ids.size());
				assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
				assertThat(context.getBean(RedisSseBrokerHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP);
			});
	}

}
