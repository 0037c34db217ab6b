package io.github.ssekit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The broker's three connections to Redis, standalone (or Sentinel-managed) or Cluster:
 * one for commands, one for the reader's reads, so that a batch of reads never delays a
 * publish, and one subscribed to the notification channel, on which each publish names
 * the key it appended to.
 * <p>
 * On a standalone Redis, remembers when any of them dropped, even if Lettuce reconnected
 * it at once: a restarted Redis may have lost its data, and notifications published
 * meanwhile are lost, so the reader treats a drop as a lost connection. On Redis Cluster,
 * where a node's connection drops while the other nodes keep serving, any drop or
 * reconnection of a connection of the client asks the reader instead to read every stream
 * again and to check its history ({@link #takeResync()}).
 *
 * @author ssekit
 */
final class RedisBrokerConnection {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private final StatefulConnection<String, String> commandConnection;

	private final RedisClusterAsyncCommands<String, String> commands;

	private final StatefulConnection<String, String> readConnection;

	private final RedisClusterAsyncCommands<String, String> reads;

	private final StatefulRedisPubSubConnection<String, String> notifications;

	private final boolean cluster;

	private final AbstractRedisClient client;

	private final DisconnectWatch watch;

	private RedisBrokerConnection(AbstractRedisClient client, Connections connections, DisconnectWatch watch) {
		this.client = client;
		this.cluster = connections.cluster;
		this.commandConnection = connections.commands;
		this.commands = connections.commandsAsync;
		this.readConnection = connections.reads;
		this.reads = connections.readsAsync;
		this.notifications = connections.notifications;
		this.watch = watch;
	}

	/**
	 * Open the connections on the given client and subscribe to the notification channel.
	 * @param client a {@link RedisClient} or a {@link RedisClusterClient}
	 * @param commandTimeout how long subscribing may take
	 * @param notificationChannel the pub/sub channel of the notifications
	 * @param listener told about the notifications, on a Lettuce thread
	 * @return the connection
	 * @throws Exception if Redis cannot be reached
	 */
	static RedisBrokerConnection open(AbstractRedisClient client, Duration commandTimeout, String notificationChannel,
			RedisPubSubListener<String, String> listener) throws Exception {
		boolean cluster = client instanceof RedisClusterClient;
		DisconnectWatch watch = new DisconnectWatch(cluster);
		client.addListener(watch);
		Connections connections = new Connections(cluster);
		try {
			connections.open(client);
			watch.watch(connections.commands, connections.reads, connections.notifications);
			StatefulRedisPubSubConnection<String, String> notifications = connections.notifications;
			notifications.addListener(listener);
			RedisFutures.await(notifications.async().subscribe(notificationChannel), commandTimeout);
			if (notifications instanceof StatefulRedisClusterPubSubConnection<String, String> clusterNotifications) {
				subscribeOnEveryMaster(clusterNotifications, notificationChannel, commandTimeout);
			}
			watch.takeResync();
			return new RedisBrokerConnection(client, connections, watch);
		}
		catch (Exception ex) {
			client.removeListener(watch);
			connections.close();
			throw ex;
		}
	}

	/**
	 * Subscribe on every master too, so that a notification comes straight from the
	 * master that ran the publish instead of through the cluster bus, which takes
	 * milliseconds more; the copies that other masters relay are dropped as duplicates.
	 * Only quicker: the subscription of the connection's own node gets every notification
	 * anyway, so a master that cannot be subscribed on, or a new one, is not a failure.
	 */
	private static void subscribeOnEveryMaster(StatefulRedisClusterPubSubConnection<String, String> notifications,
			String notificationChannel, Duration commandTimeout) {
		notifications.setNodeMessagePropagation(true);
		try {
			RedisFutures.await(
					notifications.async().masters().commands().subscribe(notificationChannel).toCompletableFuture(),
					commandTimeout);
		}
		catch (Exception ex) {
			logger.debug("Could not subscribe to the notifications on every master, some arrive through the "
					+ "cluster bus: " + RedisFutures.describe(ex));
		}
	}

	/**
	 * Return whether the connections are to a Redis Cluster.
	 * @return {@code true} for Cluster
	 */
	boolean cluster() {
		return this.cluster;
	}

	/**
	 * Return the commands for publishing and replaying.
	 * @return the commands, routed by key slot on Cluster
	 */
	RedisClusterAsyncCommands<String, String> commands() {
		return this.commands;
	}

	/**
	 * Return the commands for the reader.
	 * @return the commands, routed by key slot on Cluster
	 */
	RedisClusterAsyncCommands<String, String> reads() {
		return this.reads;
	}

	/**
	 * Check, on a standalone Redis, that no connection closed or dropped since it was
	 * opened.
	 * @throws RedisUnavailableException if one did
	 */
	void checkOpen() {
		if (this.watch.disconnected() || !this.readConnection.isOpen() || !this.commandConnection.isOpen()
				|| !this.notifications.isOpen()) {
			throw new RedisUnavailableException("connection closed");
		}
	}

	/**
	 * Return, on Redis Cluster, whether a connection dropped or reconnected since the
	 * last call, and forget it.
	 * @return {@code true} if the reader must read every stream again
	 */
	boolean takeResync() {
		return this.watch.takeResync();
	}

	/**
	 * Close the connections.
	 */
	void close() {
		this.client.removeListener(this.watch);
		this.notifications.close();
		this.readConnection.close();
		this.commandConnection.close();
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

	@SuppressWarnings("NullAway.Init")
	private static final class Connections {

		private final boolean cluster;

		private StatefulConnection<String, String> commands;

		private RedisClusterAsyncCommands<String, String> commandsAsync;

		private StatefulConnection<String, String> reads;

		private RedisClusterAsyncCommands<String, String> readsAsync;

		private StatefulRedisPubSubConnection<String, String> notifications;

		Connections(boolean cluster) {
			this.cluster = cluster;
		}

		void open(AbstractRedisClient client) {
			if (client instanceof RedisClusterClient clusterClient) {
				StatefulRedisClusterConnection<String, String> commands = clusterClient.connect(StringCodec.UTF8);
				this.commands = commands;
				this.commandsAsync = commands.async();
				StatefulRedisClusterConnection<String, String> reads = clusterClient.connect(StringCodec.UTF8);
				this.reads = reads;
				this.readsAsync = reads.async();
				this.notifications = clusterClient.connectPubSub(StringCodec.UTF8);
			}
			else {
				RedisClient redisClient = (RedisClient) client;
				StatefulRedisConnection<String, String> commands = redisClient.connect(StringCodec.UTF8);
				this.commands = commands;
				this.commandsAsync = commands.async();
				StatefulRedisConnection<String, String> reads = redisClient.connect(StringCodec.UTF8);
				this.reads = reads;
				this.readsAsync = reads.async();
				this.notifications = redisClient.connectPubSub(StringCodec.UTF8);
			}
		}

		void close() {
			closeQuietly(this.notifications);
			closeQuietly(this.reads);
			closeQuietly(this.commands);
		}

		private static void closeQuietly(@Nullable StatefulConnection<?, ?> connection) {
			if (connection != null) {
				connection.close();
			}
		}

	}

	private static final class DisconnectWatch implements RedisConnectionStateListener {

		private final boolean cluster;

		private final Set<Object> watched = ConcurrentHashMap.newKeySet();

		private final AtomicBoolean resync = new AtomicBoolean();

		private volatile boolean disconnected;

		DisconnectWatch(boolean cluster) {
			this.cluster = cluster;
		}

		void watch(Object... connections) {
			this.watched.addAll(List.of(connections));
		}

		boolean disconnected() {
			return this.disconnected;
		}

		boolean takeResync() {
			return this.resync.getAndSet(false);
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			if (this.cluster) {
				// not one that was closed, as topology refreshes do with theirs
				if (!connection.isClosed()) {
					this.resync.set(true);
				}
			}
			else if (this.watched.contains(connection)) {
				this.disconnected = true;
			}
		}

	}

}
