package io.github.ssekit.channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseDataSerializer;
import io.github.ssekit.SseStream;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link SseChannels}: channels created on first use, over one
 * {@link SseChannelBroker}. A channel is released once it has no subscribers and its
 * history is empty; channels that still hold history are looked at again from time to
 * time, when channels are created or listed.
 *
 * @author ssekit
 */
public class DefaultSseChannels implements SseChannels {

	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** The default of {@code sse.channels.max-event-size}: 256 KiB. */
	public static final long DEFAULT_MAX_EVENT_SIZE = 256 * 1024;

	private final ConcurrentHashMap<String, DefaultSseChannel> channels = new ConcurrentHashMap<>();

	private final SseChannelBroker broker;

	private final @Nullable SseDataSerializer dataSerializer;

	private final long maxEventSize;

	private volatile SseChannelObserver observer = SseChannelObserver.NONE;

	private volatile List<SseChannelAuthorizer> authorizers = List.of();

	private volatile long lastSweep = System.nanoTime();

	/**
	 * Create the channels.
	 * @param broker the broker that orders, stores and delivers events
	 * @param dataSerializer the serialiser for object data, or {@code null} when there is
	 * none
	 */
	public DefaultSseChannels(SseChannelBroker broker, @Nullable SseDataSerializer dataSerializer) {
		this(broker, dataSerializer, DEFAULT_MAX_EVENT_SIZE);
	}

	/**
	 * Create the channels.
	 * @param broker the broker that orders, stores and delivers events
	 * @param dataSerializer the serialiser for object data, or {@code null} when there is
	 * none
	 * @param maxEventSize the largest encoded event, in bytes, that a channel publishes
	 */
	public DefaultSseChannels(SseChannelBroker broker, @Nullable SseDataSerializer dataSerializer, long maxEventSize) {
		if (maxEventSize <= 0) {
			throw new IllegalArgumentException("'maxEventSize' must be positive, was " + maxEventSize);
		}
		this.broker = broker;
		this.dataSerializer = dataSerializer;
		this.maxEventSize = maxEventSize;
	}

	/**
	 * Set the observer told about every channel, for metrics.
	 * @param observer the observer
	 */
	public void setObserver(SseChannelObserver observer) {
		this.observer = observer;
	}

	/**
	 * Set the authorizers asked before every subscription; all must allow it.
	 * @param authorizers the authorizers, none to allow every subscription
	 */
	public void setAuthorizers(List<SseChannelAuthorizer> authorizers) {
		this.authorizers = List.copyOf(authorizers);
	}

	/**
	 * Refuse a subscription that an authorizer does not allow.
	 * @param stream the subscribing stream
	 * @param channel the channel's name
	 * @throws SseChannelAccessDeniedException if an authorizer refuses it
	 */
	void authorize(SseStream stream, String channel) {
		for (SseChannelAuthorizer authorizer : this.authorizers) {
			if (!authorizer.canSubscribe(stream.principal(), channel)) {
				throw new SseChannelAccessDeniedException(channel);
			}
		}
	}

	/**
	 * Return the broker.
	 * @return the broker
	 */
	public SseChannelBroker broker() {
		return this.broker;
	}

	@Override
	public SseChannel channel(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("SSE channel 'name' must not be empty");
		}
		DefaultSseChannel channel = this.channels.get(name);
		if (channel != null) {
			return channel;
		}
		sweepIfDue();
		return this.channels.computeIfAbsent(name, (key) -> new DefaultSseChannel(key, this.broker, this));
	}

	@Override
	public @Nullable SseChannel find(String name) {
		return this.channels.get(name);
	}

	@Override
	public Collection<SseChannel> channels() {
		sweepIfDue();
		return List.copyOf(this.channels.values());
	}

	/**
	 * Release every channel that has no subscribers and no history.
	 */
	public void sweep() {
		this.lastSweep = System.nanoTime();
		for (DefaultSseChannel channel : new ArrayList<>(this.channels.values())) {
			if (channel.subscriberCount() == 0) {
				releaseIfIdle(channel);
			}
		}
	}

	SseChannelObserver observer() {
		return this.observer;
	}

	long maxEventSize() {
		return this.maxEventSize;
	}

	String serialize(Object data) {
		if (data instanceof CharSequence text) {
			return text.toString();
		}
		if (this.dataSerializer == null) {
			throw new IllegalStateException("Cannot publish " + data.getClass().getName()
					+ " as SSE data: no SseDataSerializer (add Jackson, or publish a String)");
		}
		return this.dataSerializer.serialize(data);
	}

	void releaseIfIdle(DefaultSseChannel channel) {
		if (channel.subscriberCount() != 0 || this.broker.historySize(channel.name()) != 0) {
			return;
		}
		this.channels.computeIfPresent(channel.name(),
				(name, current) -> (current == channel && channel.releaseIfIdle()) ? null : current);
	}

	private void sweepIfDue() {
		if (System.nanoTime() - this.lastSweep >= SWEEP_INTERVAL_NANOS) {
			sweep();
		}
	}

}
