package io.github.ssekit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker.Listener;
import io.github.ssekit.channel.SseChannelBroker.Replay;
import io.github.ssekit.channel.SseEventIds;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads a channel's history on the command connection: the replay after a client's last
 * id or a position ({@code XRANGE}, and {@code XINFO STREAM}'s
 * {@code max-deleted-entry-id} when the stream no longer holds that id), its size
 * ({@code XLEN}), where a new listener starts, and the position of a stream that joins
 * the channel.
 *
 * @author ssekit
 */
final class RedisStreamHistory {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	/** The field of the entry a position reserves; no reader ever sees it. */
	static final String RESERVED_FIELD = "reserved";

	/**
	 * The id of the stream's newest entry; else, when the stream is empty but its last id
	 * was deleted with nothing after it, that id; else a reserved id: an entry added and
	 * deleted at once ({@code XADD} and {@code XDEL}), so that the key exists and
	 * {@code max-deleted-entry-id} is that id. ARGV: the field, the expiry in
	 * milliseconds or 0.
	 */
	private static final RedisScript POSITION = new RedisScript("""
			local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			if #last > 0 then return last[1][1] end
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  local info = redis.call('XINFO', 'STREAM', KEYS[1])
			  local generated, deleted
			  for i = 1, #info, 2 do
			    if info[i] == 'last-generated-id' then generated = info[i + 1] end
			    if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
			  end
			  if generated ~= nil and generated == deleted then return generated end
			end
			local id = redis.call('XADD', KEYS[1], '*', ARGV[1], '')
			redis.call('XDEL', KEYS[1], id)
			if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
			return id
			""", ScriptOutputType.VALUE);

	/**
	 * The stream's {@code max-deleted-entry-id}, or {@code false} when there is no
	 * stream.
	 */
	private static final RedisScript MAX_DELETED_ID = new RedisScript("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return false end
			local info = redis.call('XINFO', 'STREAM', KEYS[1])
			for i = 1, #info, 2 do
			  if info[i] == 'max-deleted-entry-id' then return info[i + 1] end
			end
			return false
			""", ScriptOutputType.VALUE);

	private final RedisSseBrokerSettings settings;

	/**
	 * Create a history reader.
	 * @param settings the broker settings
	 */
	RedisStreamHistory(RedisSseBrokerSettings settings) {
		this.settings = settings;
	}

	/**
	 * Return the entries after the given id: when the stream holds it, or when it is the
	 * stream's {@code max-deleted-entry-id} (a position, or an event trimmed with nothing
	 * after it), so that nothing after it was deleted. A stream created anew, after Redis
	 * lost its data or the key expired, has another {@code max-deleted-entry-id}.
	 * @param connection the connection
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @param lastEventId a valid event id
	 * @return the events after it, or {@link Replay#lost()} when the stream can no longer
	 * tell what followed it
	 * @throws io.github.ssekit.channel.SseBrokerException if Redis cannot be read
	 */
	Replay replay(RedisBrokerConnection connection, String channel, String key, String lastEventId) {
		Range<String> fromLastId = Range.from(Range.Boundary.including(lastEventId), Range.Boundary.unbounded());
		List<StreamMessage<String, String>> entries = RedisFutures.call(connection.commands().xrange(key, fromLastId),
				this.settings.commandTimeout(), channel, "replay");
		int from;
		if (!entries.isEmpty() && SseEventIds.compare(entries.get(0).getId(), lastEventId) == 0) {
			from = 1;
		}
		else if (lastEventId.equals(maxDeletedId(connection, channel, key))) {
			// read before the check: it holds everything after the id up to the check
			from = 0;
		}
		else {
			return Replay.lost();
		}
		List<SseEvent> events = new ArrayList<>(entries.size() - from);
		for (StreamMessage<String, String> entry : entries.subList(from, entries.size())) {
			events.add(RedisEntryCodec.decode(entry));
		}
		return Replay.of(events);
	}

	private @Nullable String maxDeletedId(RedisBrokerConnection connection, String channel, String key) {
		return RedisFutures.call(MAX_DELETED_ID.<@Nullable String>call(connection.commands(), key),
				this.settings.commandTimeout(), channel, "replay");
	}

	/**
	 * Return the position of a stream that joins the channel now: the id of the stream's
	 * newest entry, or an id reserved for the purpose.
	 * @param connection the connection
	 * @param channel the channel name
	 * @param key the channel's stream key
	 * @return the position
	 * @throws io.github.ssekit.channel.SseBrokerException if Redis cannot be read
	 */
	String position(RedisBrokerConnection connection, String channel, String key) {
		Duration maxAge = this.settings.maxAge();
		String expiry = (maxAge != null) ? Long.toString(maxAge.toMillis() + RedisStreamPublisher.EXPIRY_MARGIN_MILLIS)
				: "0";
		String id = RedisFutures.call(POSITION.<String>call(connection.commands(), key, RESERVED_FIELD, expiry),
				this.settings.commandTimeout(), channel, "read the position of");
		if (id == null || !SseEventIds.isValid(id)) {
			throw new SseBrokerException("Redis gave no valid position for channel '" + channel + "': " + id);
		}
		return id;
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
		Long length = RedisFutures.call(connection.commands().xlen(key), this.settings.commandTimeout(), channel,
				"read the history size of");
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
						connection.commands().xrevrange(key, Range.create("-", "+"), Limit.from(1)),
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
