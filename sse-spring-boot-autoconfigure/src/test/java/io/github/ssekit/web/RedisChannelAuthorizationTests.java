package io.github.ssekit.web;

import io.github.ssekit.redis.RedisServer;
import io.github.ssekit.redis.RedisSseBrokerSettings;
import io.github.ssekit.redis.RedisSseChannelBroker;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refused channel subscription with the Redis broker: the same check as with the
 * in-memory broker ({@link StreamOwnershipTests}), before any replay is read from Redis.
 *
 * @author ssekit
 */
class RedisChannelAuthorizationTests {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void aRefusedSubscriptionSendsNothingOfTheChannelNotEvenReplay() {
		RedisClient client = RedisClient.create(redis.uri());
		RedisSseChannelBroker broker = new RedisSseChannelBroker(client, RedisSseBrokerSettings.defaults());
		broker.start();
		try {
			new StreamOwnershipTests().assertRefusedSubscriptionSendsNothing(broker, "user:ann");
		}
		finally {
			broker.stop();
			client.shutdown();
		}
	}

}
