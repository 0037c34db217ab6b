package io.github.ssekit.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.ssekit.OverflowPolicy;
import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannelAccessDeniedException;
import io.github.ssekit.channel.SseEventIds;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamObserver;
import io.github.ssekit.stream.StreamOptions;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for streams on several channels
 * ({@link DefaultSseChannels#subscribe( io.github.ssekit.SseStream, String, String...)}):
 * one cursor as the id of every event, and an exact resume of every channel from it.
 *
 * @author ssekit
 */
class MultiChannelTests {

	private final SseStreamRegistry registry = new SseStreamRegistry(SseStreamRegistry.Settings.defaults(),
			StreamObserver.NONE);

	private InMemorySseChannelBroker broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5));

	private DefaultSseChannels channels = new DefaultSseChannels(this.broker, null);

	@Test
	void everyEventCarriesACursorAndAResumeGetsWhatWasMissedOnEveryChannelInOrder() {
		Connection first = connect(null, "room", "user:bob", "broadcast");
		publish("room", "r1");
		publish("user:bob", "u1");
		publish("broadcast", "b1");
		assertThat(first.messages()).extracting(SseMessage::data).containsExactly("r1", "u1", "b1");
		assertThat(first.messages()).allSatisfy((message) -> assertThat(message.lastEventId()).startsWith("c"));
		String lastEventId = first.close();
		publish("broadcast", "b2");
		publish("room", "r2");
		publish("broadcast", "b3");
		publish("user:bob", "u2");
		publish("room", "r3");
		Connection second = connect(lastEventId, "room", "user:bob", "broadcast");
		publish("room", "r4");
		List<String> data = second.data();
		assertThat(data).as("the missed events of all channels merged in the order they were published")
			.containsExactly("b2", "r2", "b3", "u2", "r3", "r4");
	}

	@Test
	void aStreamThatHadNoEventResumesFromWhereItJoined() {
		publish("a", "before");
		Connection first = connect(null, "a", "b");
		assertThat(first.messages()).isEmpty();
		String lastEventId = first.close();
		assertThat(lastEventId).as("the id-only event after joining").startsWith("c");
		publish("a", "a1");
		publish("b", "b1");
		Connection second = connect(lastEventId, "a", "b");
		assertThat(second.data()).containsExactly("a1", "b1");
	}

	@Test
	void aChannelWhoseHistoryWasLostIsNamedAndTheOthersResumeExactly() {
		Connection first = connect(null, "quiet", "busy");
		publish("quiet", "q1");
		publish("busy", "b1");
		String lastEventId = first.close();
		publish("quiet", "q2");
		for (int i = 2; i <= 20; i++) {
			publish("busy", "b" + i);
		}
		Connection second = connect(lastEventId, "quiet", "busy");
		assertThat(second.messages()).extracting(SseMessage::type, SseMessage::data)
			.containsExactly(tuple(SseChannel.HISTORY_LOST_EVENT, "busy"), tuple("message", "q2"));
		publish("busy", "b21");
		String afterLoss = second.close();
		publish("busy", "b22");
		publish("quiet", "q3");
		Connection third = connect(afterLoss, "quiet", "busy");
		assertThat(third.data()).containsExactly("b22", "q3");
	}

	@Test
	void aCursorWithoutAChannelLosesThatChannelOnly() {
		Connection first = connect(null, "a", "b");
		publish("a", "a1");
		String lastEventId = first.close();
		publish("a", "a2");
		publish("c", "c1");
		Connection second = connect(lastEventId, "a", "b", "c");
		assertThat(second.messages()).extracting(SseMessage::type, SseMessage::data)
			.containsExactly(tuple(SseChannel.HISTORY_LOST_EVENT, "c"), tuple("message", "a2"));
	}

	@Test
	void aMalformedCursorLosesEveryChannelNamingEach() {
		for (String tampered : List.of("12-3", "c", "c_", "czz.zz", "c1.2.3_", "c1.2.3_1.2.4", "c1..3",
				"czzzzzzzzzzzzzz.1.1", "c1.2.-3", "cA.1.1", "c1.2.3", "x" + "1".repeat(900))) {
			Connection connection = connect(tampered, "a", "b");
			assertThat(connection.messages()).as(tampered)
				.extracting(SseMessage::type, SseMessage::data)
				.containsExactly(tuple(SseChannel.HISTORY_LOST_EVENT, "a"), tuple(SseChannel.HISTORY_LOST_EVENT, "b"));
			connection.close();
		}
	}

	@Test
	void positionsOfChannelsTheStreamNoLongerJoinsAreIgnored() {
		Connection first = connect(null, "a", "b");
		publish("a", "a1");
		publish("b", "b1");
		String lastEventId = first.close();
		publish("a", "a2");
		publish("b", "b2");
		Connection second = connect(lastEventId, "a");
		assertThat(second.messages()).as("one channel: its own ids, live only from a foreign id")
			.extracting(SseMessage::type)
			.containsExactly(SseChannel.HISTORY_LOST_EVENT);
		Connection third = connect(lastEventId, "a", "x");
		assertThat(third.messages()).extracting(SseMessage::type, SseMessage::data)
			.containsExactly(tuple(SseChannel.HISTORY_LOST_EVENT, "x"), tuple("message", "a2"));
	}

	@Test
	void oneChannelKeepsTheChannelsOwnIds() {
		Connection connection = connect(null, "solo");
		String id = publish("solo", "s1");
		assertThat(connection.messages()).containsExactly(new SseMessage("message", "s1", id));
	}

	@Test
	void namesAreCheckedNamingTheField() {
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		assertThatIllegalArgumentException().isThrownBy(() -> this.channels.subscribe(stream, null))
			.withMessageContaining("'channels'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.channels.subscribe(stream, null, "a", "a"))
			.withMessageContaining("'channels'")
			.withMessageContaining("'a'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.channels.subscribe(stream, null, "a", ""))
			.withMessageContaining("'name'");
		String[] many = new String[17];
		for (int i = 0; i < many.length; i++) {
			many[i] = "c" + i;
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.channels.subscribe(stream, null, many))
			.withMessageContaining("at most 16");
	}

	@Test
	void aBrokerFailureWhileJoiningClosesTheStreamAndLeavesNoSubscriber() {
		this.broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5)) {

			@Override
			public String position(String channel) {
				throw new IllegalStateException("broken broker");
			}

		};
		this.channels = new DefaultSseChannels(this.broker, null);
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		stream.bind(new FakeTransport(stream, true));
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.channels.subscribe(stream, null, "a", "b"))
			.withMessage("broken broker");
		assertThat(stream.isOpen()).isFalse();
		assertThat(this.channels.channel("a").subscriberCount()).isZero();
		assertThat(this.channels.channel("b").subscriberCount()).isZero();
	}

	@Test
	void aRefusedChannelJoinsTheStreamToNone() {
		this.channels.setAuthorizers(List.of((principal, channel) -> !channel.equals("secret")));
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults());
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		assertThatExceptionOfType(SseChannelAccessDeniedException.class)
			.isThrownBy(() -> this.channels.subscribe(stream, null, "open", "secret"));
		publish("open", "o1");
		assertThat(transport.bytes()).isEmpty();
		assertThat(this.channels.channel("open").subscriberCount()).isZero();
	}

	@Test
	void resumingUnderConcurrentPublishersOnEveryChannelIsGaplessAndDuplicateFree() throws Exception {
		this.broker = new InMemorySseChannelBroker(100_000, Duration.ofMinutes(5));
		this.channels = new DefaultSseChannels(this.broker, null);
		List<String> names = List.of("a", "b", "c");
		StreamOptions roomy = new StreamOptions(100_000, 100_000_000, OverflowPolicy.DISCONNECT, null, null);
		List<Connection> firsts = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			firsts.add(connect(null, roomy, names));
		}
		List<String> published = new CopyOnWriteArrayList<>();
		ExecutorService publishers = Executors.newFixedThreadPool(6);
		CountDownLatch done = new CountDownLatch(6);
		for (int t = 0; t < 6; t++) {
			String channel = names.get(t % 3);
			publishers.execute(() -> {
				for (int i = 0; i < 500; i++) {
					published.add(channel + ":" + this.channels.channel(channel).publish(SseEvent.of(channel)).id());
				}
				done.countDown();
			});
		}
		List<Connection> seconds = new ArrayList<>();
		List<List<SseMessage>> before = new ArrayList<>();
		for (Connection first : firsts) {
			Seen seen = first.closeAndRead();
			before.add(seen.messages());
			seconds.add(connect(seen.lastEventId(), roomy, names));
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		publishers.shutdown();
		for (int i = 0; i < firsts.size(); i++) {
			List<SseMessage> all = new ArrayList<>(before.get(i));
			Connection second = seconds.get(i);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (before.get(i).size() + second.messages().size() < published.size() && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			all.addAll(second.messages());
			for (String channel : names) {
				List<String> ids = published.stream()
					.filter((entry) -> entry.startsWith(channel + ":"))
					.map((entry) -> entry.substring(channel.length() + 1))
					.sorted(SseEventIds::compare)
					.toList();
				List<String> received = all.stream()
					.filter((message) -> message.data().equals(channel))
					.map((message) -> cursorPosition(message.lastEventId(), channel))
					.toList();
				assertThat(received).as("connection %d, channel %s", i, channel).containsExactlyElementsOf(ids);
			}
		}
	}

	/** The position a cursor holds for a channel, decoded as the test reads it. */
	private static String cursorPosition(String cursor, String channel) {
		Map<String, String> entries = Arrays.stream(cursor.substring(1).split("_"))
			.map((entry) -> entry.split("\\."))
			.collect(Collectors.toMap((parts) -> parts[0],
					(parts) -> Long.parseLong(parts[1], 36) + "-" + Long.parseLong(parts[2], 36)));
		return entries.get(Long.toString(hash(channel), 36));
	}

	private static long hash(String channel) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < channel.length(); i++) {
			hash ^= channel.charAt(i);
			hash *= 0x100000001b3L;
		}
		return (hash ^ (hash >>> 40)) & ((1L << 40) - 1);
	}

	private String publish(String channel, String data) {
		return this.channels.channel(channel).publish(SseEvent.of(data)).id();
	}

	private Connection connect(String lastEventId, String... names) {
		return connect(lastEventId, StreamOptions.defaults(), List.of(names));
	}

	private Connection connect(String lastEventId, StreamOptions options, List<String> names) {
		DefaultSseStream stream = this.registry.open(options);
		FakeTransport transport = new FakeTransport(stream, true);
		stream.bind(transport);
		this.channels.subscribe(stream, lastEventId, names.toArray(String[]::new));
		return new Connection(stream, transport);
	}

	/**
	 * A client's connection: the messages it parsed, and the last event id it would send
	 * when it reconnects.
	 */
	private record Connection(DefaultSseStream stream, FakeTransport transport) {

		List<SseMessage> messages() {
			return SseParser.parse(this.transport.bytes());
		}

		List<String> data() {
			return messages().stream().map(SseMessage::data).toList();
		}

		String close() {
			return closeAndRead().lastEventId();
		}

		/**
		 * Close the stream and read, from one copy of what was written, the messages and
		 * the last event id.
		 */
		Seen closeAndRead() {
			this.stream.close();
			List<SseMessage> messages = new ArrayList<>();
			SseParser parser = new SseParser(messages::add);
			byte[] bytes = this.transport.bytes();
			parser.feed(bytes, 0, bytes.length);
			return new Seen(messages, parser.lastEventId());
		}

	}

	private record Seen(List<SseMessage> messages, String lastEventId) {
	}

}
