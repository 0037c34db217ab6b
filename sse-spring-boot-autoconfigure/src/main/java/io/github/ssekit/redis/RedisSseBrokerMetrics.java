package io.github.ssekit.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of a {@link RedisSseChannelBroker}, set as its
 * {@link RedisSseChannelBroker.Observer observer}:
 * <ul>
 * <li>{@code sse.redis.publish} (timer): time to append an event to Redis;</li>
 * <li>{@code sse.redis.read.lag} (timer): time from an entry's id (Redis clock) to its
 * hand-over to the local channel;</li>
 * <li>{@code sse.redis.reconnects} (counter): reconnections after Redis was lost;</li>
 * <li>{@code sse.redis.connected} (gauge): 1 while connected, else 0;</li>
 * <li>{@code sse.redis.channels.read} (gauge): channels this instance reads.</li>
 * </ul>
 * No meter carries a channel tag, so their number does not grow with the channels.
 *
 * @author ssekit
 */
public class RedisSseBrokerMetrics implements MeterBinder, RedisSseChannelBroker.Observer {

	private final RedisSseChannelBroker broker;

	private final List<Meters> meters = new CopyOnWriteArrayList<>();

	/**
	 * Create the meters' binder for the given broker.
	 * @param broker the broker
	 */
	public RedisSseBrokerMetrics(RedisSseChannelBroker broker) {
		this.broker = broker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Timer publish = Timer.builder("sse.redis.publish")
			.description("Time to append an event to its channel's Redis stream")
			.register(registry);
		Timer readLag = Timer.builder("sse.redis.read.lag")
			.description("Time from an entry's id (Redis clock) to its delivery to the local channel")
			.register(registry);
		Counter reconnects = Counter.builder("sse.redis.reconnects")
			.description("Reconnections to Redis after it was lost")
			.register(registry);
		Gauge.builder("sse.redis.connected", this.broker, (broker) -> broker.isConnected() ? 1 : 0)
			.description("Whether the SSE broker is connected to Redis (1) or not (0)")
			.register(registry);
		Gauge.builder("sse.redis.channels.read", this.broker, RedisSseChannelBroker::getReadChannelCount)
			.description("Channels this instance reads from Redis")
			.register(registry);
		this.meters.add(new Meters(publish, readLag, reconnects));
	}

	@Override
	public void published(String channel, long nanos) {
		for (Meters meters : this.meters) {
			meters.publish().record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void delivered(String channel, long lagMillis) {
		for (Meters meters : this.meters) {
			meters.readLag().record(Math.max(0, lagMillis), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void reconnected() {
		for (Meters meters : this.meters) {
			meters.reconnects().increment();
		}
	}

	private record Meters(Timer publish, Timer readLag, Counter reconnects) {

	}

}
