package io.github.ssekit.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.ssekit.channel.SseBrokerException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.pubsub.RedisPubSubListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Holds the broker's current {@link RedisBrokerConnection}, if any: opens it, drops it
 * when Redis is lost, and remembers why the broker is not connected and how many times it
 * reconnected.
 *
 * @author ssekit
 */
final class RedisConnector {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final Supplier<AbstractRedisClient> client;

	private final Duration commandTimeout;

	private final String notificationChannel;

	private final RedisPubSubListener<String, String> notificationListener;

	private final Supplier<RedisSseChannelBroker.Observer> observer;

	private final AtomicLong reconnects = new AtomicLong();

	private volatile @Nullable RedisBrokerConnection connection;

	private volatile boolean everConnected;

	private volatile @Nullable String lastFailure = "not connected yet";

	/**
	 * Create a connector.
	 * @param client supplies the Lettuce client, standalone or Cluster, resolved at the
	 * first connection
	 * @param commandTimeout how long a command may take
	 * @param notificationChannel the pub/sub channel of the notifications
	 * @param notificationListener told about the notifications
	 * @param observer supplies the observer told about reconnections
	 */
	RedisConnector(Supplier<AbstractRedisClient> client, Duration commandTimeout, String notificationChannel,
			RedisPubSubListener<String, String> notificationListener,
			Supplier<RedisSseChannelBroker.Observer> observer) {
		this.client = client;
		this.commandTimeout = commandTimeout;
		this.notificationChannel = notificationChannel;
		this.notificationListener = notificationListener;
		this.observer = observer;
	}

	/**
	 * Return the current connection.
	 * @return the connection, or {@code null} while Redis is unavailable
	 */
	@Nullable RedisBrokerConnection current() {
		return this.connection;
	}

	/**
	 * Return the current connection on a channel's behalf.
	 * @param channel the channel name
	 * @param action what is done to the channel, for the message
	 * @param stopped whether the broker is stopped
	 * @return the connection
	 * @throws SseBrokerException if there is none
	 */
	RedisBrokerConnection require(String channel, String action, boolean stopped) {
		RedisBrokerConnection connection = this.connection;
		if (connection == null) {
			if (stopped) {
				throw new SseBrokerException("Cannot " + action + " channel '" + channel + "': the broker is stopped");
			}
			throw new SseBrokerException(
					"Cannot " + action + " channel '" + channel + "': Redis is unavailable (" + this.lastFailure + ")");
		}
		return connection;
	}

	/**
	 * Open the connection when the broker starts; when Redis is unreachable, log it and
	 * leave connecting to the reader.
	 */
	void connectAtStart() {
		try {
			connect();
		}
		catch (Exception ex) {
			this.lastFailure = RedisFutures.describe(ex);
			logger.warn("Redis is unavailable (" + this.lastFailure
					+ "); the SSE broker keeps trying to connect in the background, publishing fails until then");
		}
	}

	/**
	 * Open the connection and make it the current one.
	 * @return the connection
	 * @throws Exception if Redis cannot be reached
	 */
	RedisBrokerConnection connect() throws Exception {
		RedisBrokerConnection connection = RedisBrokerConnection.open(this.client.get(), this.commandTimeout,
				this.notificationChannel, this.notificationListener);
		this.connection = connection;
		if (this.everConnected) {
			this.reconnects.incrementAndGet();
			this.observer.get().reconnected();
			logger.info("Reconnected to Redis, resuming channels from their last read entries");
		}
		this.everConnected = true;
		this.lastFailure = null;
		return connection;
	}

	/**
	 * Drop the current connection, if any, after Redis was lost or could not be reached.
	 * @param cause the failure
	 */
	void lost(Throwable cause) {
		RedisBrokerConnection connection = this.connection;
		this.connection = null;
		String failure = RedisFutures.describe(cause);
		if (connection != null) {
			logger.warn("Lost the connection to Redis (" + failure + "); publishing fails until it is back");
		}
		else if (!failure.equals(this.lastFailure)) {
			logger.debug("Still cannot connect to Redis: " + failure);
		}
		this.lastFailure = failure;
		close(connection);
	}

	/**
	 * Close the current connection, if any, because the broker stops.
	 */
	void close() {
		RedisBrokerConnection connection = this.connection;
		this.connection = null;
		this.lastFailure = "the broker is stopped";
		close(connection);
	}

	private static void close(@Nullable RedisBrokerConnection connection) {
		if (connection != null) {
			connection.close();
		}
	}

	/**
	 * Return why the broker is not connected.
	 * @return the last failure, or {@code null} when connected
	 */
	@Nullable String lastFailure() {
		return (this.connection != null) ? null : this.lastFailure;
	}

	/**
	 * Return how many times the broker reconnected after losing Redis.
	 * @return the reconnection count
	 */
	long reconnects() {
		return this.reconnects.get();
	}

}
