package io.github.ssekit.stream;

import java.time.Duration;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseDataSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Settings every stream of an application shares.
 *
 * @param maxQueuedEvents the most events a stream queues for a slow client
 * @param maxQueuedBytes the most bytes a stream queues for a slow client
 * @param overflowPolicy what happens when the queue is full
 * @param retry the reconnection time sent first on each stream, or {@code null}
 * @param dataSerializer the serialiser for object data, or {@code null} when there is
 * none
 * @author ssekit
 */
public record StreamOptions(int maxQueuedEvents, long maxQueuedBytes, OverflowPolicy overflowPolicy,
		@Nullable Duration retry, @Nullable SseDataSerializer dataSerializer) {

	/**
	 * Defaults for tests and standalone use.
	 * @return 1,000 events or 1 MiB, disconnect on overflow, no retry, no serialiser
	 */
	public static StreamOptions defaults() {
		return new StreamOptions(1000, 1024 * 1024, OverflowPolicy.DISCONNECT, null, null);
	}

}
