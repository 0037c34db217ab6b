package io.github.ssekit.metrics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannelObserver;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.StreamObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters for streams and channels, fed by the {@link StreamObserver} and
 * {@link SseChannelObserver} hooks. Counting is a {@link LongAdder} increment, so the
 * hooks stay cheap on publishing threads; the meters read the adders when scraped.
 * <p>
 * Channel meters carry a {@code channel} tag whose value is the channel name for the
 * configured tagged channels and {@code other} for every other channel, so per-user
 * channels cannot blow up the tag cardinality.
 *
 * @author ssekit
 */
public class SseMetrics implements MeterBinder, StreamObserver, SseChannelObserver {

	/** The {@code channel} tag value shared by channels that are not tagged by name. */
	public static final String OTHER_CHANNELS = "other";

	private final Supplier<@Nullable SseChannels> channels;

	private final Set<String> taggedChannels;

	private final AtomicInteger openStreams = new AtomicInteger();

	private final LongAdder queued = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final LongAdder bytesWritten = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder evictedForOverflow = new LongAdder();

	private final LongAdder evictedForWriteTimeout = new LongAdder();

	private final LongAdder disconnects = new LongAdder();

	private final Map<String, ChannelCounters> channelCounters = new LinkedHashMap<>();

	private final ChannelCounters otherCounters = new ChannelCounters();

	/**
	 * Create the meters.
	 * @param channels supplies the channels whose subscribers are gauged, or {@code null}
	 * for none; asked each time the gauges are read
	 * @param taggedChannels the channels whose meters carry their own name
	 */
	public SseMetrics(Supplier<@Nullable SseChannels> channels, Collection<String> taggedChannels) {
		this.channels = channels;
		this.taggedChannels = Set.copyOf(taggedChannels);
		for (String name : taggedChannels) {
			this.channelCounters.put(name, new ChannelCounters());
		}
		this.channelCounters.put(OTHER_CHANNELS, this.otherCounters);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.streams.open", this.openStreams, AtomicInteger::get)
			.description("Open SSE streams")
			.register(registry);
		counter(registry, "sse.events.queued", "Events accepted by stream queues (once per stream)", this.queued);
		counter(registry, "sse.events.delivered", "Events and comments written to clients", this.delivered);
		FunctionCounter.builder("sse.bytes.written", this.bytesWritten, LongAdder::sum)
			.description("Bytes written to clients")
			.baseUnit("bytes")
			.register(registry);
		counter(registry, "sse.events.dropped",
				"Queued events that were never written: dropped by drop-oldest or left when a stream closed",
				this.dropped);
		FunctionCounter.builder("sse.streams.evicted", this.evictedForOverflow, LongAdder::sum)
			.description("Streams closed because their client fell behind")
			.tag("reason", "queue-overflow")
			.register(registry);
		FunctionCounter.builder("sse.streams.evicted", this.evictedForWriteTimeout, LongAdder::sum)
			.description("Streams closed because their client fell behind")
			.tag("reason", "write-timeout")
			.register(registry);
		counter(registry, "sse.streams.disconnects", "Streams closed because the client went away", this.disconnects);
		this.channelCounters.forEach((channel, counters) -> counters.bindTo(registry, channel));
	}

	private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
		FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
	}

	@Override
	public void streamOpened() {
		this.openStreams.incrementAndGet();
	}

	@Override
	public void eventPublished() {
		this.queued.increment();
	}

	@Override
	public void written(int events, long bytes) {
		this.delivered.add(events);
		this.bytesWritten.add(bytes);
	}

	@Override
	public void dropped(int events) {
		this.dropped.add(events);
	}

	@Override
	public void streamClosed(CloseReason reason) {
		this.openStreams.decrementAndGet();
		switch (reason) {
			case QUEUE_OVERFLOW -> this.evictedForOverflow.increment();
			case WRITE_TIMEOUT -> this.evictedForWriteTimeout.increment();
			case CLIENT_GONE -> this.disconnects.increment();
			default -> {
			}
		}
	}

	@Override
	public void published(String channel) {
		countersFor(channel).published.increment();
	}

	@Override
	public void replayed(String channel, int events) {
		countersFor(channel).replayed.add(events);
	}

	@Override
	public void historyLost(String channel) {
		countersFor(channel).historyLost.increment();
	}

	private ChannelCounters countersFor(String channel) {
		ChannelCounters counters = this.channelCounters.get(channel);
		return (counters != null) ? counters : this.otherCounters;
	}

	private double subscribers(String tag) {
		SseChannels channels = this.channels.get();
		if (channels == null) {
			return 0;
		}
		if (!tag.equals(OTHER_CHANNELS) || this.taggedChannels.contains(OTHER_CHANNELS)) {
			SseChannel channel = channels.find(tag);
			return (channel != null) ? channel.subscriberCount() : 0;
		}
		long total = 0;
		for (SseChannel channel : channels.channels()) {
			if (!this.taggedChannels.contains(channel.name())) {
				total += channel.subscriberCount();
			}
		}
		return total;
	}

	private final class ChannelCounters {

		private final LongAdder published = new LongAdder();

		private final LongAdder replayed = new LongAdder();

		private final LongAdder historyLost = new LongAdder();

		void bindTo(MeterRegistry registry, String channel) {
			List<Tag> tags = List.of(Tag.of("channel", channel));
			Gauge.builder("sse.channel.subscribers", () -> subscribers(channel))
				.description("Streams subscribed to channels")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("sse.channel.events.published", this.published, LongAdder::sum)
				.description("Events published on channels (once per event)")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("sse.channel.events.replayed", this.replayed, LongAdder::sum)
				.description("History events sent to resuming subscribers")
				.tags(tags)
				.register(registry);
			FunctionCounter.builder("sse.channel.history.lost", this.historyLost, LongAdder::sum)
				.description("History-lost signals sent to subscribers")
				.tags(tags)
				.register(registry);
		}

	}

}
