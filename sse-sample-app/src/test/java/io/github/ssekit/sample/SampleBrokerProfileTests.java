package io.github.ssekit.sample;

import java.net.ServerSocket;

import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.redis.RedisSseChannelBroker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's default profile keeps channels in memory and needs no Redis; its
 * {@code redis} profile switches to the Redis broker and starts even when Redis is down.
 *
 * @author ssekit
 */
class SampleBrokerProfileTests {

	@Test
	void defaultProfileUsesTheInMemoryBrokerWithoutRedis() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--spring.data.redis.port=" + unusedPort())) {
			assertThat(context.getBean(SseChannelBroker.class)).isNotInstanceOf(RedisSseChannelBroker.class);
			assertThat(context.getEnvironment().getProperty("management.health.redis.enabled")).isEqualTo("false");
		}
	}

	@Test
	void redisProfileUsesTheRedisBrokerAndStartsWhenRedisIsDown() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("redis")
			.run("--server.port=0", "--spring.data.redis.port=" + unusedPort())) {
			RedisSseChannelBroker broker = context.getBean(RedisSseChannelBroker.class);
			assertThat(broker.isConnected()).isFalse();
			assertThat(broker.getLastFailure()).isNotNull();
		}
	}

	private static int unusedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
