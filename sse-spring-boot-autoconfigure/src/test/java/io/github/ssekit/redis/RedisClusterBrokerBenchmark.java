package io.github.ssekit.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisBrokerBenchmark#manyChannels} on a three-master Redis Cluster on loopback.
 * Not a test: run it with
 *
 * <pre>
 * ./mvnw -pl sse-spring-boot-autoconfigure test -Dtest=RedisClusterBrokerBenchmark -Dsse.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * @author ssekit
 */
@EnabledIfSystemProperty(named = "sse.benchmark", matches = "true")
class RedisClusterBrokerBenchmark {

	@RegisterExtension
	static final RedisCluster cluster = new RedisCluster();

	@Test
	void manyChannelsLatencyAndReaderCpu() throws Exception {
		RedisClusterClient clientA = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
		RedisClusterClient clientB = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
		try {
			RedisBrokerBenchmark.manyChannels("cluster", (settings) -> new RedisSseChannelBroker(clientA, settings),
					(settings) -> new RedisSseChannelBroker(clientB, settings));
		}
		finally {
			clientA.shutdown();
			clientB.shutdown();
		}
	}

}
