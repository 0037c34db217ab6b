package io.github.ssekit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The broker's two connections to Redis: one for commands and one for the blocking reads,
 * so that a read never delays a publish. Remembers when either dropped, even if Lettuce
 * reconnected it at once: a restarted Redis may have lost its data, and a blocking read
 * that Lettuce sends again on the new connection would never say so, so the reader treats
 * a drop as a lost connection.
 *
 * @author ssekit
 */
final class RedisBrokerConnection {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final StatefulRedisConnection<String, String> commands;

	private final StatefulRedisConnection<String, String> reads;

	private final long readerId;

	private final RedisClient client;

	private final DisconnectWatch watch;

	private RedisBrokerConnection(StatefulRedisConnection<String, String> commands,
			StatefulRedisConnection<String, String> reads, long readerId, RedisClient client, DisconnectWatch watch) {
		this.commands = commands;
		this.reads = reads;
		this.readerId = readerId;
		this.client = client;
		this.watch = watch;
	}

	/**
	 * Open both connections on the given client.
	 * @param client the client
	 * @param commandTimeout how long {@code CLIENT ID} may take
	 * @return the connection
	 * @throws Exception if Redis cannot be reached
	 */
	static RedisBrokerConnection open(RedisClient client, Duration commandTimeout) throws Exception {
		DisconnectWatch watch = new DisconnectWatch();
		client.addListener(watch);
		StatefulRedisConnection<String, String> commands = null;
		StatefulRedisConnection<String, String> reads = null;
		try {
			commands = client.connect(StringCodec.UTF8);
			reads = client.connect(StringCodec.UTF8);
			watch.watch(commands, reads);
			return new RedisBrokerConnection(commands, reads, readerId(reads, commandTimeout), client, watch);
		}
		catch (Exception ex) {
			client.removeListener(watch);
			if (reads != null) {
				reads.close();
			}
			if (commands != null) {
				commands.close();
			}
			throw ex;
		}
	}

	private static long readerId(StatefulRedisConnection<String, String> reads, Duration timeout) throws Exception {
		try {
			Long id = RedisFutures.await(reads.async().clientId(), timeout);
			return (id != null) ? id : -1;
		}
		catch (RedisCommandExecutionException ex) {
			logger.debug("CLIENT ID refused, new channels are picked up within one read block", ex);
			return -1;
		}
	}

	/**
	 * Return the connection for commands.
	 * @return the connection for publishing, replaying and unblocking the reader
	 */
	StatefulRedisConnection<String, String> commands() {
		return this.commands;
	}

	/**
	 * Return the connection for the reader.
	 * @return the connection for the blocking reads
	 */
	StatefulRedisConnection<String, String> reads() {
		return this.reads;
	}

	/**
	 * Return the client id of the reads connection.
	 * @return the id for {@code CLIENT UNBLOCK}, or {@code -1} when Redis refused to tell
	 */
	long readerId() {
		return this.readerId;
	}

	/**
	 * Check that neither connection closed or dropped since it was opened.
	 * @throws RedisUnavailableException if one did
	 */
	void checkOpen() {
		if (this.watch.disconnected() || !this.reads.isOpen() || !this.commands.isOpen()) {
			throw new RedisUnavailableException("connection closed");
		}
	}

	/**
	 * Close both connections.
	 */
	void close() {
		this.client.removeListener(this.watch);
		this.reads.close();
		this.commands.close();
	}

	/**
	 * Thrown when Redis is found unavailable without a failure of its own to report.
	 */
	static final class RedisUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create an exception.
		 * @param message what was found
		 */
		RedisUnavailableException(String message) {
			super(message);
		}

	}

	private static final class DisconnectWatch implements RedisConnectionStateListener {

		private final Set<Object> watched = ConcurrentHashMap.newKeySet();

		private volatile boolean disconnected;

		void watch(Object... connections) {
			this.watched.addAll(List.of(connections));
		}

		boolean disconnected() {
			return this.disconnected;
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			if (this.watched.contains(connection)) {
				this.disconnected = true;
			}
		}

	}

}
