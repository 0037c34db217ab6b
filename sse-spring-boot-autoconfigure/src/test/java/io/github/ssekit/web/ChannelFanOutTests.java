package io.github.ssekit.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseEventIds;
import io.github.ssekit.channel.SseEventTooLargeException;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamObserver;
import io.github.ssekit.stream.StreamOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for channels fanning out to {@link DefaultSseStream}s over in-memory transports:
 * replay, hand-over, shared encoding and slow-subscriber isolation.
 *
 * @author ssekit
 */
class ChannelFanOutTests {

	private final AtomicInteger dropped = new AtomicInteger();

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults(),
			new StreamObserver() {

				@Override
				public void dropped(int events) {
					ChannelFanOutTests.this.dropped.addAndGet(events);
				}

			});

	private InMemorySseChannelBroker broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5));

	private DefaultSseChannels channels = new DefaultSseChannels(this.broker, null);

	@Test
	void everySubscriberGetsTheSameEncodedBytes() {
		SseChannel channel = this.channels.channel("news");
		List<FakeTransport> transports = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			transports.add(subscribe(channel, null, StreamOptions.defaults(), true));
		}
		SseEvent published = channel.publish(SseEvent.of("headline", "hello"));
		assertThat(transports)
			.allSatisfy((transport) -> assertThat(transport.chunks).singleElement().isSameAs(published.encoded()));
	}

	@Test
	void eventAboveTheMaximumSizeIsRefusedBeforeItIsStored() {
		this.channels = new DefaultSseChannels(this.broker, null, 1024);
		SseChannel channel = this.channels.channel("chat");
		FakeTransport transport = subscribe(channel, null, StreamOptions.defaults(), true);
		assertThatExceptionOfType(SseEventTooLargeException.class)
			.isThrownBy(() -> channel.publish(SseEvent.of("x".repeat(2000))))
			.withMessageContaining("2008 bytes")
			.withMessageContaining("sse.channels.max-event-size (1024 bytes)")
			.satisfies((ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(413));
		assertThat(channel.historySize()).isZero();
		assertThat(transport.chunks).isEmpty();
		channel.publish(SseEvent.of("fits"));
		assertThat(channel.historySize()).isOne();
	}

	@Test
	void eventLargerThanASubscribersByteLimitReachesItLiveAndOnReplayWithoutEviction() {
		SseChannel channel = this.channels.channel("big");
		StreamOptions small = new StreamOptions(1000, 100, OverflowPolicy.DISCONNECT, null, null);
		FakeTransport live = subscribe(channel, null, small, true);
		String before = channel.publish(SseEvent.of("small")).id();
		SseEvent large = channel.publish(SseEvent.of("y".repeat(5000)));
		assertThat(live.chunks).last().isSameAs(large.encoded());
		FakeTransport resumed = subscribe(channel, before, small, false);
		assertThat(this.registry.size()).as("no stream evicted").isEqualTo(2);
		resumed.becomeReady();
		assertThat(SseParser.parse(resumed.bytes())).extracting(SseMessage::data).containsExactly(large.data());
		assertThat(this.dropped).hasValue(0);
	}

	@Test
	void largeFanOutIsWrittenInParallelSlicesAndReachesEverySubscriberInOrder() throws InterruptedException {
		SseChannel channel = this.channels.channel("crowd");
		List<FakeTransport> transports = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			transports.add(subscribe(channel, null, StreamOptions.defaults(), true));
		}
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 3; i++) {
			expected.append(new String(channel.publish(SseEvent.of("e" + i)).encoded(), StandardCharsets.UTF_8));
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!transports.stream().allMatch((transport) -> written(transport).contentEquals(expected))
				&& System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(transports).allSatisfy((transport) -> assertThat(written(transport)).isEqualTo(expected.toString()));
	}

	private static String written(FakeTransport transport) {
		StringBuilder text = new StringBuilder();
		transport.chunks.forEach((chunk) -> text.append(new String(chunk, StandardCharsets.UTF_8)));
		return text.toString();
	}

	@Test
	void eventWithIdIsRejectedNamingTheField() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.channels.channel("c").publish(SseEvent.builder().id("7").data("x").build()))
			.withMessageContaining("'id'");
	}

	@Test
	void resumingFromTheEighthEventGetsExactlyTheNinthToFifteenthThenLive() {
		SseChannel channel = this.channels.channel("c");
		List<String> ids = publish(channel, 15);
		FakeTransport transport = subscribe(channel, ids.get(7), StreamOptions.defaults(), true);
		channel.publish(SseEvent.of("16"));
		assertThat(messages(transport)).extracting(SseMessage::data)
			.containsExactly("9", "10", "11", "12", "13", "14", "15", "16");
		assertThat(messages(transport)).extracting(SseMessage::lastEventId)
			.startsWith(ids.subList(8, 15).toArray(String[]::new));
	}

	@Test
	void resumingFromAnEvictedIdGetsHistoryLostThenLive() {
		SseChannel channel = this.channels.channel("c");
		List<String> ids = publish(channel, 15);
		FakeTransport transport = subscribe(channel, ids.get(1), StreamOptions.defaults(), true);
		String live = channel.publish(SseEvent.of("16")).id();
		assertThat(messages(transport)).containsExactly(new SseMessage(SseChannel.HISTORY_LOST_EVENT, "c", ""),
				new SseMessage("message", "16", live));
	}

	@Test
	void resumingFromTheNewestIdGetsNothingOld() {
		SseChannel channel = this.channels.channel("c");
		List<String> ids = publish(channel, 15);
		FakeTransport transport = subscribe(channel, ids.get(14), StreamOptions.defaults(), true);
		assertThat(messages(transport)).isEmpty();
		channel.publish(SseEvent.of("16"));
		assertThat(messages(transport)).extracting(SseMessage::data).containsExactly("16");
	}

	@Test
	void subscribingWithoutIdGetsLiveEventsOnly() {
		SseChannel channel = this.channels.channel("c");
		publish(channel, 15);
		FakeTransport transport = subscribe(channel, null, StreamOptions.defaults(), true);
		channel.publish(SseEvent.of("16"));
		assertThat(messages(transport)).extracting(SseMessage::data).containsExactly("16");
	}

	@Test
	void idFromBeforeARestartIsUnknown() {
		List<String> ids = publish(this.channels.channel("c"), 15);
		this.broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5));
		this.channels = new DefaultSseChannels(this.broker, null);
		SseChannel channel = this.channels.channel("c");
		publish(channel, 3);
		FakeTransport transport = subscribe(channel, ids.get(14), StreamOptions.defaults(), true);
		assertThat(messages(transport)).extracting(SseMessage::type).containsExactly(SseChannel.HISTORY_LOST_EVENT);
	}

	@Test
	void handOverUnderConcurrentPublishersIsGaplessAndDuplicateFree() throws Exception {
		this.broker = new InMemorySseChannelBroker(100_000, Duration.ofMinutes(5));
		this.channels = new DefaultSseChannels(this.broker, null);
		SseChannel channel = this.channels.channel("race");
		List<String> published = new CopyOnWriteArrayList<>();
		published.add(channel.publish(SseEvent.of("seed")).id());
		ExecutorService publishers = Executors.newFixedThreadPool(8);
		CountDownLatch done = new CountDownLatch(8);
		for (int t = 0; t < 8; t++) {
			publishers.execute(() -> {
				for (int i = 0; i < 500; i++) {
					published.add(channel.publish(SseEvent.of("x")).id());
				}
				done.countDown();
			});
		}
		StreamOptions roomy = new StreamOptions(10_000, 10_000_000, OverflowPolicy.DISCONNECT, null, null);
		List<FakeTransport> transports = new ArrayList<>();
		List<String> resumedFrom = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String lastId = published.get(ThreadLocalRandom.current().nextInt(published.size()));
			resumedFrom.add(lastId);
			transports.add(subscribe(channel, lastId, roomy, (i % 2) == 0));
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		publishers.shutdown();
		List<String> all = new ArrayList<>(new ConcurrentSkipListSet<>(SseEventIds::compare) {
			{
				addAll(published);
			}
		});
		assertThat(all).hasSize(4001);
		for (int i = 0; i < transports.size(); i++) {
			FakeTransport transport = transports.get(i);
			transport.becomeReady();
			String lastId = resumedFrom.get(i);
			List<String> expected = all.stream().filter((id) -> SseEventIds.compare(id, lastId) > 0).toList();
			assertThat(messages(transport)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void slowSubscriberIsEvictedWithoutHoldingUpOthers() {
		SseChannel channel = this.channels.channel("c");
		FakeTransport fast = subscribe(channel, null, StreamOptions.defaults(), true);
		StreamOptions small = new StreamOptions(5, 1_000_000, OverflowPolicy.DISCONNECT, null, null);
		FakeTransport slow = subscribe(channel, null, small, false);
		AtomicInteger closed = new AtomicInteger();
		DefaultSseStream slowStream = lastStream;
		slowStream.onClose(closed::incrementAndGet);
		publish(channel, 20);
		assertThat(slowStream.closeReason()).isEqualTo(CloseReason.QUEUE_OVERFLOW);
		assertThat(closed).hasValue(1);
		assertThat(slow.completions).hasValue(1);
		assertThat(channel.subscriberCount()).isEqualTo(1);
		assertThat(messages(fast)).hasSize(20);
	}

	@Test
	void dropOldestSubscriberStaysAndCountsDrops() {
		SseChannel channel = this.channels.channel("c");
		StreamOptions small = new StreamOptions(5, 1_000_000, OverflowPolicy.DROP_OLDEST, null, null);
		FakeTransport slow = subscribe(channel, null, small, false);
		publish(channel, 20);
		assertThat(channel.subscriberCount()).isEqualTo(1);
		assertThat(this.dropped).hasValue(15);
		slow.becomeReady();
		assertThat(messages(slow)).extracting(SseMessage::data).containsExactly("16", "17", "18", "19", "20");
	}

	@Test
	void closedStreamLeavesAndIdleChannelWithoutHistoryIsReleased() {
		this.channels = new DefaultSseChannels(new InMemorySseChannelBroker(0, Duration.ofMinutes(5)), null);
		SseChannel channel = this.channels.channel("user-1");
		subscribe(channel, null, StreamOptions.defaults(), true);
		DefaultSseStream stream = lastStream;
		channel.publish(SseEvent.of("hi"));
		assertThat(channel.subscriberCount()).isEqualTo(1);
		stream.close();
		assertThat(channel.subscriberCount()).isZero();
		assertThat(this.channels.find("user-1")).isNull();
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void channelWithHistoryIsKeptUntilItsHistoryExpires() {
		SseChannel channel = this.channels.channel("c");
		subscribe(channel, null, StreamOptions.defaults(), true);
		channel.publish(SseEvent.of("kept"));
		lastStream.close();
		assertThat(this.channels.find("c")).isSameAs(channel);
		assertThat(channel.historySize()).isEqualTo(1);
	}

	@Test
	void subscribingToAReleasedChannelJoinsItsReplacement() {
		this.channels = new DefaultSseChannels(new InMemorySseChannelBroker(0, Duration.ofMinutes(5)), null);
		SseChannel stale = this.channels.channel("c");
		subscribe(stale, null, StreamOptions.defaults(), true);
		lastStream.close();
		FakeTransport transport = subscribe(stale, null, StreamOptions.defaults(), true);
		this.channels.channel("c").publish(SseEvent.of("reached"));
		assertThat(messages(transport)).extracting(SseMessage::data).containsExactly("reached");
	}

	@Test
	void brokerThatRedeliversCausesNoDuplicates() throws Exception {
		RedeliveringBroker redelivering = new RedeliveringBroker(
				new InMemorySseChannelBroker(1000, Duration.ofMinutes(5)));
		this.channels = new DefaultSseChannels(redelivering, null);
		SseChannel channel = this.channels.channel("c");
		List<String> ids = publish(channel, 20);
		FakeTransport resumed = subscribe(channel, ids.get(4), StreamOptions.defaults(), true);
		FakeTransport live = subscribe(channel, null, StreamOptions.defaults(), true);
		ids.addAll(publish(channel, 20));
		redelivering.awaitIdle();
		assertThat(messages(resumed)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids.subList(5, 40));
		assertThat(messages(live)).extracting(SseMessage::lastEventId).containsExactlyElementsOf(ids.subList(20, 40));
		redelivering.executor.shutdown();
	}

	@Test
	void brokerRunsOfEventsAreWrittenOnceAndOverlappingRunsCauseNoDuplicates() {
		InMemorySseChannelBroker memory = new InMemorySseChannelBroker(1000, Duration.ofMinutes(5));
		List<SseChannelBroker.Listener> listeners = new ArrayList<>();
		SseChannelBroker batching = new SseChannelBroker() {

			@Override
			public SseEvent publish(String channel, SseEvent event) {
				return memory.publish(channel, event);
			}

			@Override
			public Registration listen(String channel, Listener listener) {
				listeners.add(listener);
				return () -> listeners.remove(listener);
			}

			@Override
			public Replay replay(String channel, String lastEventId) {
				return memory.replay(channel, lastEventId);
			}

			@Override
			public long historySize(String channel) {
				return memory.historySize(channel);
			}

		};
		this.channels = new DefaultSseChannels(batching, null);
		SseChannel channel = this.channels.channel("c");
		FakeTransport transport = subscribe(channel, null, StreamOptions.defaults(), true);
		List<SseEvent> events = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			events.add(memory.publish("c", SseEvent.of(Integer.toString(i))));
		}
		int writesBefore = transport.writes.get();
		listeners.get(0).onEvents(events.subList(0, 4));
		listeners.get(0).onEvents(events.subList(2, 6));
		assertThat(messages(transport)).extracting(SseMessage::data).containsExactly("1", "2", "3", "4", "5", "6");
		assertThat(transport.writes.get() - writesBefore).isEqualTo(2);
	}

	@Test
	void brokerHistoryLostSignalReachesEverySubscriber() {
		RedeliveringBroker redelivering = new RedeliveringBroker(
				new InMemorySseChannelBroker(10, Duration.ofMinutes(5)));
		this.channels = new DefaultSseChannels(redelivering, null);
		SseChannel channel = this.channels.channel("c");
		FakeTransport first = subscribe(channel, null, StreamOptions.defaults(), true);
		FakeTransport second = subscribe(channel, null, StreamOptions.defaults(), true);
		redelivering.listener.onHistoryLost();
		assertThat(messages(first)).extracting(SseMessage::type).containsExactly(SseChannel.HISTORY_LOST_EVENT);
		assertThat(messages(second)).extracting(SseMessage::type).containsExactly(SseChannel.HISTORY_LOST_EVENT);
		redelivering.executor.shutdown();
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

	private static List<String> publish(SseChannel channel, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			ids.add(channel.publish(SseEvent.of(Integer.toString(i))).id());
		}
		return ids;
	}

	private static List<SseMessage> messages(FakeTransport transport) {
		return SseParser.parse(transport.bytes());
	}

	/**
	 * A broker that behaves like a remote one: it delivers on a reader thread of its own,
	 * and delivers every event twice.
	 */
	static final class RedeliveringBroker implements SseChannelBroker {

		private final SseChannelBroker delegate;

		final ExecutorService executor = Executors.newSingleThreadExecutor();

		volatile Listener listener;

		RedeliveringBroker(SseChannelBroker delegate) {
			this.delegate = delegate;
		}

		@Override
		public SseEvent publish(String channel, SseEvent event) {
			return this.delegate.publish(channel, event);
		}

		@Override
		public Registration listen(String channel, Listener listener) {
			this.listener = listener;
			return this.delegate.listen(channel, (event) -> this.executor.execute(() -> {
				listener.onEvent(event);
				listener.onEvent(event);
			}));
		}

		@Override
		public Replay replay(String channel, String lastEventId) {
			return this.delegate.replay(channel, lastEventId);
		}

		@Override
		public long historySize(String channel) {
			return this.delegate.historySize(channel);
		}

		void awaitIdle() throws Exception {
			this.executor.submit(() -> {
			}).get(10, TimeUnit.SECONDS);
		}

	}

}
