package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.ssekit.SseEvent;
import io.lettuce.core.ScriptOutputType;

/**
 * Appends events to their channel's stream with one script, so one round trip: an
 * {@code XADD}, the trimming to the history's maximum length (and, with a maximum age, of
 * older entries and the key's expiry one maximum age after the publish, both at most once
 * a second per channel), and the notification of the readers.
 * <p>
 * Trimming also records the newest id it removed as the stream's
 * {@code max-deleted-entry-id} ({@code XSETID ... MAXDELETEDID}), which Redis does not do
 * when it trims (only {@code XDEL} sets it): a replay from an id the stream no longer
 * holds is complete exactly when that id is the {@code max-deleted-entry-id}. With
 * approximate trimming, which removes whole nodes, the script records the id just before
 * the oldest entry left instead, so such a replay is only complete from that id. Redis
 * 6.2 has no {@code max-deleted-entry-id}: the script ignores {@code XSETID}'s error
 * there, and such a replay is then always lost.
 *
 * @author ssekit
 */
final class RedisStreamPublisher {

	private static final long AGE_TRIM_INTERVAL_MILLIS = 1000;

	/**
	 * How much longer than the maximum age a stream's key lives after a publish, since
	 * age trimming runs at most once a second.
	 */
	static final long EXPIRY_MARGIN_MILLIS = AGE_TRIM_INTERVAL_MILLIS;

	private static final int AGE_TRIM_MEMORY = 10_000;

	/**
	 * ARGV: the maximum length, {@code =} or {@code ~}, the minimum id to keep or an
	 * empty string, the expiry in milliseconds or 0, the notification channel or an empty
	 * string, then the fields and their values.
	 */
	private static final RedisScript PUBLISH = new RedisScript("""
			local add = {'XADD', KEYS[1], 'MAXLEN', ARGV[2], ARGV[1], '*'}
			for i = 6, #ARGV do add[#add + 1] = ARGV[i] end
			local deleted
			local length = redis.call('XLEN', KEYS[1])
			local excess = length + 1 - tonumber(ARGV[1])
			if ARGV[2] == '=' and excess > 0 then
			  local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
			  deleted = gone[#gone][1]
			end
			local id = redis.call(unpack(add))
			if ARGV[2] == '~' and redis.call('XLEN', KEYS[1]) < length + 1 then
			  deleted = 'first'
			end
			if ARGV[3] ~= '' then
			  if ARGV[2] == '=' then
			    local older = redis.call('XREVRANGE', KEYS[1], '(' .. ARGV[3], '-', 'COUNT', 1)
			    if #older > 0 then
			      deleted = older[1][1]
			      redis.call('XTRIM', KEYS[1], 'MINID', '=', ARGV[3])
			    end
			  elseif redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[3]) > 0 then
			    deleted = 'first'
			  end
			end
			if deleted == 'first' then
			  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
			  local ms, seq = string.match(first[1][1], '^(%d+)-(%d+)$')
			  if seq ~= '0' then
			    deleted = ms .. '-' .. string.format('%.0f', tonumber(seq) - 1)
			  else
			    deleted = string.format('%.0f', tonumber(ms) - 1) .. '-18446744073709551615'
			  end
			end
			if deleted then redis.pcall('XSETID', KEYS[1], id, 'MAXDELETEDID', deleted) end
			if ARGV[4] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
			if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], KEYS[1]) end
			return id
			""", ScriptOutputType.VALUE);

	private final RedisSseBrokerSettings settings;

	private final Supplier<RedisSseChannelBroker.Observer> observer;

	private final String notificationChannel;

	private final Map<String, Long> lastAgeTrim = new ConcurrentHashMap<>();

	/**
	 * Create a publisher.
	 * @param settings the broker settings
	 * @param notificationChannel the pub/sub channel told the key of each publish, or an
	 * empty string for none
	 * @param observer supplies the observer told about publishes
	 */
	RedisStreamPublisher(RedisSseBrokerSettings settings, String notificationChannel,
			Supplier<RedisSseChannelBroker.Observer> observer) {
		this.settings = settings;
		this.notificationChannel = notificationChannel;
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
		String id = RedisFutures.call(PUBLISH.<String>call(connection.commands(), key, arguments(key, event)),
				this.settings.commandTimeout(), channel, "publish to");
		this.observer.get().published(channel, System.nanoTime() - start);
		return event.mutate().id(id).build();
	}

	private String[] arguments(String key, SseEvent event) {
		Map<String, String> fields = RedisEntryCodec.encode(event);
		List<String> args = new ArrayList<>(5 + 2 * fields.size());
		args.add(Long.toString(this.settings.maxLength()));
		args.add(this.settings.approximateTrimming() ? "~" : "=");
		Duration maxAge = this.settings.maxAge();
		long now = System.currentTimeMillis();
		if (maxAge != null && isAgeTrimDue(key, now)) {
			args.add(RedisEntryCodec.firstIdAt(now - maxAge.toMillis()));
			args.add(Long.toString(maxAge.toMillis() + EXPIRY_MARGIN_MILLIS));
		}
		else {
			args.add("");
			args.add("0");
		}
		args.add(this.notificationChannel);
		fields.forEach((name, value) -> {
			args.add(name);
			args.add(value);
		});
		return args.toArray(String[]::new);
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
