package io.github.ssekit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.metrics.SseMetrics;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseMetrics}: the meters' values after a known scenario.
 *
 * @author ssekit
 */
class SseMetricsTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final DefaultSseChannels channels = new DefaultSseChannels(
			new InMemorySseChannelBroker(10, Duration.ofMinutes(5)), null);

	private final SseMetrics metrics = new SseMetrics(() -> this.channels, List.of("prices"));

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults(),
			this.metrics);

	SseMetricsTests() {
		this.channels.setObserver(this.metrics);
		this.metrics.bindTo(this.meters);
	}

	@Test
	void metersCountAKnownScenario() {
		SseChannel prices = this.channels.channel("prices");
		SseChannel user = this.channels.channel("user-1");
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= 12; i++) {
			ids.add(prices.publish(SseEvent.of(Integer.toString(i))).id());
		}
		FakeTransport resumed = subscribe(prices, ids.get(9), StreamOptions.defaults(), true);
		FakeTransport lost = subscribe(prices, ids.get(0), StreamOptions.defaults(), true);
		FakeTransport direct = subscribe(user, null, StreamOptions.defaults(), true);
		DefaultSseStream directStream = this.lastStream;
		subscribe(prices, null, new StreamOptions(2, 1_000_000, OverflowPolicy.DISCONNECT, null, null), false);
		for (int i = 0; i < 3; i++) {
			prices.publish(SseEvent.of("price", "p" + i));
		}
		user.publish(SseEvent.of("direct", "hello"));

		assertThat(gauge("sse.streams.open")).isEqualTo(3);
		assertThat(gauge("sse.channel.subscribers", "prices")).isEqualTo(2);
		assertThat(gauge("sse.channel.subscribers", "other")).isEqualTo(1);
		assertThat(counter("sse.channel.events.published", "prices")).isEqualTo(15);
		assertThat(counter("sse.channel.events.published", "other")).isEqualTo(1);
		assertThat(counter("sse.channel.events.replayed", "prices")).isEqualTo(2);
		assertThat(counter("sse.channel.history.lost", "prices")).isEqualTo(1);
		assertThat(counter("sse.channel.history.lost", "other")).isZero();
		assertThat(counter("sse.events.queued")).isEqualTo(5 + 4 + 1 + 2);
		assertThat(counter("sse.events.delivered")).isEqualTo(5 + 4 + 1);
		assertThat(counter("sse.bytes.written"))
			.isEqualTo(resumed.bytes().length + lost.bytes().length + direct.bytes().length);
		assertThat(counter("sse.events.dropped")).isEqualTo(2);
		assertThat(this.meters.get("sse.streams.evicted").tag("reason", "queue-overflow").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("sse.streams.evicted").tag("reason", "write-timeout").functionCounter().count())
			.isZero();
		assertThat(counter("sse.streams.disconnects")).isZero();

		directStream.abort(CloseReason.CLIENT_GONE, null);
		assertThat(counter("sse.streams.disconnects")).isEqualTo(1);
		assertThat(gauge("sse.streams.open")).isEqualTo(2);
		assertThat(gauge("sse.channel.subscribers", "other")).isZero();
	}

	private DefaultSseStream lastStream;

	private FakeTransport subscribe(SseChannel channel, String lastEventId, StreamOptions options, boolean ready) {
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = new FakeTransport(stream, ready);
		stream.bind(transport);
		channel.subscribe(stream, lastEventId);
		this.lastStream = stream;
		return transport;
	}

	private double gauge(String name) {
		return this.meters.get(name).gauge().value();
	}

	private double gauge(String name, String channel) {
		return this.meters.get(name).tag("channel", channel).gauge().value();
	}

	private double counter(String name) {
		return this.meters.get(name).functionCounter().count();
	}

	private double counter(String name, String channel) {
		return this.meters.get(name).tag("channel", channel).functionCounter().count();
	}

}
