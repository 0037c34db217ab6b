package io.github.ssekit.autoconfigure;

/**
 * The broker behind the channels, chosen with {@code sse.broker}.
 *
 * @author ssekit
 */
public enum SseBrokerType {

	/**
	 * Channels and their history in this instance's memory.
	 */
	MEMORY,

	/**
	 * Channels and their history in Redis Streams, shared by every instance (needs Spring
	 * Data Redis with Lettuce).
	 */
	REDIS

}
