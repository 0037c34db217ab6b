package io.github.ssekit.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the {@link RedisSseChannelBroker}: UP while it is connected to Redis, DOWN
 * with the last connection failure otherwise. Reports the broker's state without a round
 * trip to Redis (the broker's reader notices a lost connection within one read block).
 *
 * @author ssekit
 */
public class RedisSseBrokerHealthIndicator implements HealthIndicator {

	private final RedisSseChannelBroker broker;

	/**
	 * Create an indicator for the given broker.
	 * @param broker the broker
	 */
	public RedisSseBrokerHealthIndicator(RedisSseChannelBroker broker) {
		this.broker = broker;
	}

	@Override
	public Health health() {
		Health.Builder builder = this.broker.isConnected() ? Health.up() : Health.down();
		String failure = this.broker.getLastFailure();
		if (failure != null) {
			builder.withDetail("error", failure);
		}
		return builder.withDetail("broker", "redis")
			.withDetail("channelsRead", this.broker.getReadChannelCount())
			.withDetail("reconnects", this.broker.getReconnectCount())
			.build();
	}

}
