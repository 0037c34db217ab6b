package io.github.ssekit.channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
	public void subscribe(SseStream stream, @Nullable String lastEventId, String... channels) {
		List<String> names = names(channels);
		if (names.size() == 1) {
			channel(names.get(0)).subscribe(stream, lastEventId);
			return;
		}
		for (String name : names) {
			authorize(stream, name);
		}
		boolean resuming = lastEventId != null && !lastEventId.isEmpty();
		Map<Long, String> positions = (lastEventId != null && resuming) ? ChannelCursor.parse(lastEventId) : null;
		new MultiChannelSubscription(new StreamCursor(stream, names), this).start(positions, resuming);
	}

	/**
	 * Return a channel as this class made it.
	 * @param name the channel name
	 * @return the channel
	 */
	DefaultSseChannel defaultChannel(String name) {
		return (DefaultSseChannel) channel(name);
	}

	private static List<String> names(String[] channels) {
		if (channels == null || channels.length == 0) {
			throw new IllegalArgumentException("SSE 'channels' must not be empty");
		}
		if (channels.length > ChannelCursor.MAX_CHANNELS) {
			throw new IllegalArgumentException("SSE 'channels' must be at most " + ChannelCursor.MAX_CHANNELS
					+ " for one stream, were " + channels.length);
		}
		Set<String> distinct = new LinkedHashSet<>();
		for (String name : channels) {
			if (name == null || name.isEmpty()) {
				throw new IllegalArgumentException("SSE channel 'name' must not be empty");
			}
			if (!distinct.add(name)) {
				throw new IllegalArgumentException("SSE 'channels' must be distinct, '" + name + "' is repeated");
			}
		}
		return List.copyOf(distinct);
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
