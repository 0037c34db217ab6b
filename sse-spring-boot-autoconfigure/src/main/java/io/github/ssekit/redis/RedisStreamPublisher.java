package io.github.ssekit.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Appends events to their channel's stream with one {@code XADD} that also trims the
 * stream to the history's maximum length. With a maximum age, also trims older entries
 * and sets the key to expire one maximum age after the publish, both at most once a
 * second per channel.
 *
 * @author ssekit
 */
final class RedisStreamPublisher {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private static final long AGE_TRIM_INTERVAL_MILLIS = 1000;

	private static final int AGE_TRIM_MEMORY = 10_000;

	private final RedisSseBrokerSettings settings;

	private final Supplier<RedisSseChannelBroker.Observer> observer;

	private final Map<String, Long> lastAgeTrim = new ConcurrentHashMap<>();

	/**
	 * Create a publisher.
	 * @param settings the broker settings
	 * @param observer supplies the observer told about publishes
	 */
	RedisStreamPublisher(RedisSseBrokerSettings settings, Supplier<RedisSseChannelBroker.Observer> observer) {
		this.settings = settings;
		this.observer = observer;
	}

	/**
	 * Append an event to a channel's stream.
	 * @param connection the connection
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @param event the event, without an id
	 * @return the event with the id Redis assigned
	 * @throws io.github.ssekit.channel.SseBrokerException if Redis did not store it
	 */
	SseEvent publish(RedisBrokerConnection connection, String channel, String key, SseEvent event) {
		long start = System.nanoTime();
		XAddArgs args = new XAddArgs().maxlen(this.settings.maxLength())
			.approximateTrimming(this.settings.approximateTrimming());
		String id = RedisFutures.call(connection.commands().async().xadd(key, args, RedisEntryCodec.encode(event)),
				this.settings.commandTimeout(), channel, "publish to");
		this.observer.get().published(channel, System.nanoTime() - start);
		trimByAge(connection.commands().async(), key);
		return event.mutate().id(id).build();
	}

	private void trimByAge(RedisAsyncCommands<String, String> commands, String key) {
		Duration maxAge = this.settings.maxAge();
		long now = System.currentTimeMillis();
		if (maxAge == null || !isAgeTrimDue(key, now)) {
			return;
		}
		String minId = RedisEntryCodec.firstIdAt(now - maxAge.toMillis());
		XTrimArgs args = new XTrimArgs().minId(minId).approximateTrimming(this.settings.approximateTrimming());
		commands.xtrim(key, args).whenComplete((count, ex) -> {
			if (ex != null) {
				logger.debug("Could not trim " + key + " by age", ex);
			}
		});
		commands.pexpire(key, maxAge.toMillis() + AGE_TRIM_INTERVAL_MILLIS);
	}

	private boolean isAgeTrimDue(String key, long now) {
		Long last = this.lastAgeTrim.get(key);
		if (last != null && now - last < AGE_TRIM_INTERVAL_MILLIS) {
			return false;
		}
		if (this.lastAgeTrim.size() > AGE_TRIM_MEMORY) {
			this.lastAgeTrim.clear();
		}
		this.lastAgeTrim.put(key, now);
		return true;
	}

}
