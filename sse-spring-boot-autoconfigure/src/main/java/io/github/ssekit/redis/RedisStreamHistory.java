package io.github.ssekit.redis;

import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannelBroker.Listener;
import io.github.ssekit.channel.SseChannelBroker.Replay;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads a channel's history on the command connection: the replay after a client's last
 * id ({@code XRANGE}), its size ({@code XLEN}), and where a new listener starts.
 *
 * @author ssekit
 */
final class RedisStreamHistory {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final RedisSseBrokerSettings settings;

	/**
	 * Create a history reader.
	 * @param settings the broker settings
	 */
	RedisStreamHistory(RedisSseBrokerSettings settings) {
		this.settings = settings;
	}

	/**
	 * Return the entries after the given id.
	 * @param connection the connection
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @param lastEventId a valid event id
	 * @return the events after it, or {@link Replay#lost()} when the stream does not hold
	 * it
	 * @throws io.github.ssekit.channel.SseBrokerException if Redis cannot be read
	 */
	Replay replay(RedisBrokerConnection connection, String channel, String key, String lastEventId) {
		Range<String> fromLastId = Range.from(Range.Boundary.including(lastEventId), Range.Boundary.unbounded());
		List<StreamMessage<String, String>> entries = RedisFutures.call(
				connection.commands().async().xrange(key, fromLastId), this.settings.commandTimeout(), channel,
				"replay");
		if (entries.isEmpty() || SseEventIds.compare(entries.get(0).getId(), lastEventId) != 0) {
			return Replay.lost();
		}
		List<SseEvent> events = new ArrayList<>(entries.size() - 1);
		for (StreamMessage<String, String> entry : entries.subList(1, entries.size())) {
			events.add(RedisEntryCodec.decode(entry));
		}
		return Replay.of(events);
	}

	/**
	 * Return the length of a channel's stream.
	 * @param connection the connection
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @return the number of entries
	 * @throws io.github.ssekit.channel.SseBrokerException if Redis cannot be read
	 */
	long size(RedisBrokerConnection connection, String channel, String key) {
		Long length = RedisFutures.call(connection.commands().async().xlen(key), this.settings.commandTimeout(),
				channel, "read the history size of");
		return (length != null) ? length : 0;
	}

	/**
	 * Return where a new listener of a channel starts: after the stream's last entry, or,
	 * when Redis cannot tell, after the entries of the last command timeout.
	 * @param connection the connection, or {@code null} while Redis is unavailable
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @param listener the listener
	 * @return the subscription, not yet read
	 */
	RedisStreamSubscription startingPoint(@Nullable RedisBrokerConnection connection, String channel, String key,
			Listener listener) {
		if (connection != null) {
			try {
				List<StreamMessage<String, String>> last = RedisFutures.await(
						connection.commands().async().xrevrange(key, Range.create("-", "+"), Limit.from(1)),
						this.settings.commandTimeout());
				if (last.isEmpty()) {
					return new RedisStreamSubscription(key, channel, listener, RedisEntryCodec.STREAM_START, false);
				}
				return new RedisStreamSubscription(key, channel, listener, last.get(0).getId(), true);
			}
			catch (Exception ex) {
				logger.debug("Could not read the last entry of " + key + ", starting from the current time", ex);
			}
		}
		long since = System.currentTimeMillis() - this.settings.commandTimeout().toMillis();
		return new RedisStreamSubscription(key, channel, listener, RedisEntryCodec.firstIdAt(since), false);
	}

}
