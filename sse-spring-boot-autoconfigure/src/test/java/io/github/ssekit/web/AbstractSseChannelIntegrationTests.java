package io.github.ssekit.web;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.channel.SseEventIds;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseTestClient;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Channels over real sockets, run once per servlet container by the subclasses: replay,
 * hand-over under concurrent publishers, a stalled client among many, connection churn
 * and the stream limit. The containers' send buffers are shrunk so that a client that
 * stops reading stalls the server's writes quickly.
 *
 * @author ssekit
 */
abstract class AbstractSseChannelIntegrationTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Return the configuration that selects the servlet container, with a small socket
	 * send buffer.
	 * @return a configuration class defining the web server factory
	 */
	abstract Class<?> containerConfiguration();

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void replayMatrixWithHistoryOfTenAndFifteenPublished() throws Exception {
		ConfigurableApplicationContext context = start("sse.channels.history.max-events=10");
		SseChannel channel = channels(context).channel("matrix");
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= 15; i++) {
			ids.add(channel.publish(SseEvent.of(Integer.toString(i))).id());
		}
		try (SseTestClient fromEighth = connect(context, "/channels/matrix", ids.get(7));
				SseTestClient fromEvicted = connect(context, "/channels/matrix", ids.get(2));
				SseTestClient fromNewest = connect(context, "/channels/matrix", ids.get(14));
				SseTestClient withoutId = connect(context, "/channels/matrix", null);
				SseTestClient fromEarlierRun = connect(context, "/channels/matrix", "1000-15")) {
			List<SseTestClient> all = List.of(fromEighth, fromEvicted, fromNewest, withoutId, fromEarlierRun);
			all.forEach(SseTestClient::awaitResponse);
			awaitTrue(() -> channel.subscriberCount() == 5);
			String live = channel.publish(SseEvent.of("live", "16")).id();
			assertThat(fromEighth.awaitEvents(8)).extracting(SseMessage::data)
				.containsExactly("9", "10", "11", "12", "13", "14", "15", "16");
			assertThat(fromEighth.receivedEvents()).extracting(SseMessage::lastEventId)
				.containsExactlyElementsOf(concat(ids.subList(8, 15), live));
			assertThat(fromEvicted.awaitEvents(2)).containsExactly(
					new SseMessage(SseChannel.HISTORY_LOST_EVENT, "matrix", ""), new SseMessage("live", "16", live));
			assertThat(fromEarlierRun.awaitEvents(2)).containsExactly(
					new SseMessage(SseChannel.HISTORY_LOST_EVENT, "matrix", ""), new SseMessage("live", "16", live));
			assertThat(fromNewest.awaitEvents(1)).containsExactly(new SseMessage("live", "16", live));
			assertThat(withoutId.awaitEvents(1)).containsExactly(new SseMessage("live", "16", live));
			for (SseTestClient client : all) {
				client.assertNoEvent(Duration.ofMillis(200));
			}
		}
	}

	@Test
	void idFromBeforeARestartIsTreatedAsUnknown() throws Exception {
		ConfigurableApplicationContext before = start();
		String oldId = channels(before).channel("restart").publish(SseEvent.of("old")).id();
		before.close();
		ConfigurableApplicationContext after = start();
		SseChannel channel = channels(after).channel("restart");
		channel.publish(SseEvent.of("new"));
		try (SseTestClient client = connect(after, "/channels/restart", oldId)) {
			client.nextEvent().hasType(SseChannel.HISTORY_LOST_EVENT).hasData("restart");
			client.assertNoEvent(Duration.ofMillis(200));
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aStreamOnThreeChannelsResumesThemAllFromItsLastEventIdAndATamperedOneIsNeverLogged(CapturedOutput output)
			throws Exception {
		ConfigurableApplicationContext context = start();
		SseChannels channels = channels(context);
		String path = "/channels?name=news&name=user:ann&name=room:7";
		String lastEventId;
		try (SseTestClient client = connect(context, path, null)) {
			client.awaitResponse();
			channels.channel("news").publish(SseEvent.of("n1"));
			SseMessage first = client.awaitEvents(1).get(0);
			assertThat(first.data()).isEqualTo("n1");
			lastEventId = first.lastEventId();
		}
		channels.channel("room:7").publish(SseEvent.of("r1"));
		channels.channel("news").publish(SseEvent.of("n2"));
		channels.channel("user:ann").publish(SseEvent.of("u1"));
		try (SseTestClient client = connect(context, path, lastEventId)) {
			assertThat(client.awaitEvents(3)).extracting(SseMessage::data).containsExactly("r1", "n2", "u1");
			channels.channel("user:ann").publish(SseEvent.of("u2"));
			client.nextEvent().hasData("u2");
			client.assertNoEvent(Duration.ofMillis(200));
		}
		String tampered = "c" + "zz.zz.zz_".repeat(60) + "S3CRET";
		try (SseTestClient client = connect(context, path, tampered)) {
			assertThat(client.awaitEvents(3)).extracting(SseMessage::type, SseMessage::data)
				.containsExactly(tuple(SseChannel.HISTORY_LOST_EVENT, "news"),
						tuple(SseChannel.HISTORY_LOST_EVENT, "user:ann"),
						tuple(SseChannel.HISTORY_LOST_EVENT, "room:7"));
		}
		try (SseTestClient tooLong = connect(context, path, "c" + "1".repeat(1100) + "S3CRET")) {
			assertThat(tooLong.statusCode()).isEqualTo(400);
		}
		assertThat(output.getOut() + output.getErr()).doesNotContain("S3CRET");
	}

	@Test
	void handOverUnderEightPublishersIsGaplessAndDuplicateFreeForFiftyClients() throws Exception {
		ConfigurableApplicationContext context = start("sse.channels.history.max-events=100000",
				"sse.stream.max-queued-events=10000", "sse.stream.max-queued-bytes=16MB");
		SseChannel channel = channels(context).channel("race");
		List<String> published = new CopyOnWriteArrayList<>();
		published.add(channel.publish(SseEvent.of("seed")).id());
		int publishers = 8;
		int perPublisher = 300;
		ExecutorService executor = Executors.newFixedThreadPool(publishers);
		CountDownLatch done = new CountDownLatch(publishers);
		for (int t = 0; t < publishers; t++) {
			executor.execute(() -> {
				for (int i = 0; i < perPublisher; i++) {
					published.add(channel.publish(SseEvent.of("n")).id());
					if (i % 10 == 0) {
						sleep(2);
					}
				}
				done.countDown();
			});
		}
		int port = port(context);
		List<EventStreamConnection> clients = new ArrayList<>();
		List<String> resumedFrom = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String lastId = published.get(ThreadLocalRandom.current().nextInt(published.size()));
			resumedFrom.add(lastId);
			clients.add(EventStreamConnection.open(port, "/channels/race", Map.of("Last-Event-ID", lastId)));
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		executor.shutdown();
		String end = channel.publish(SseEvent.of("end", "")).id();
		List<String> all = sortedIds(published);
		all.add(end);
		assertThat(all).hasSize(publishers * perPublisher + 2);
		for (int i = 0; i < clients.size(); i++) {
			try (EventStreamConnection client = clients.get(i)) {
				List<String> received = new ArrayList<>();
				SseMessage event;
				do {
					event = client.nextEvent(Duration.ofSeconds(20));
					received.add(event.lastEventId());
				}
				while (!event.type().equals("end"));
				String lastId = resumedFrom.get(i);
				assertThat(received).as("client %d resuming from %s", i, lastId)
					.containsExactlyElementsOf(
							all.stream().filter((id) -> SseEventIds.compare(id, lastId) > 0).toList());
			}
		}
		System.out.println(containerName() + " hand-over race: 50 clients resumed mid-stream under " + publishers
				+ " publishers (" + (all.size() - 1) + " events), all gapless and duplicate-free");
	}

	@Test
	void stalledClientIsEvictedWhileNinetyNineOthersKeepReceiving() throws Exception {
		Duration writeTimeout = Duration.ofSeconds(2);
		ConfigurableApplicationContext context = start("sse.stream.write-timeout=" + writeTimeout.toMillis() + "ms",
				"sse.stream.max-queued-events=100000", "sse.stream.max-queued-bytes=16MB", "sse.heartbeat.interval=1s",
				"sse.channels.history.max-events=0");
		SseChannel channel = channels(context).channel("stall");
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		int port = port(context);
		List<EventStreamConnection> readers = new ArrayList<>();
		for (int i = 0; i < 99; i++) {
			readers.add(EventStreamConnection.open(port, "/channels/stall"));
		}
		RawHttpConnection stalled = RawHttpConnection.getWithReceiveBuffer(port, 4096, "/channels/stall?tag=stalled")
			.readHead();
		awaitTrue(() -> channel.subscriberCount() == 100);
		DefaultSseStream stalledStream = context.getBean(ChannelTestApplication.Streams.class).byTag.get("stalled");
		CountDownLatch evicted = new CountDownLatch(1);
		stalledStream.onClose(evicted::countDown);
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long heapBefore = usedHeapAfterGc(memory);
		String payload = "p".repeat(500);
		List<Long> latencies = new ArrayList<>();
		long stallStart = System.nanoTime();
		long evictedAfter = -1;
		int published = 0;
		long deadline = stallStart + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() - deadline < 0) {
			long start = System.nanoTime();
			channel.publish(SseEvent.of("tick", payload));
			latencies.add(System.nanoTime() - start);
			published++;
			if (evictedAfter < 0 && evicted.getCount() == 0) {
				evictedAfter = System.nanoTime() - stallStart;
			}
			if (evictedAfter >= 0 && published % 50 == 0) {
				break;
			}
			sleep(5);
		}
		int total = published;
		assertThat(evictedAfter).as("stalled client evicted").isPositive();
		assertThat(stalledStream.closeReason()).isEqualTo(CloseReason.WRITE_TIMEOUT);
		assertThat(channel.subscriberCount()).isEqualTo(99);
		for (EventStreamConnection reader : readers) {
			for (int i = 0; i < total; i++) {
				assertThat(reader.nextEvent(Duration.ofSeconds(20)).type()).isEqualTo("tick");
			}
			reader.close();
		}
		stalled.abort();
		long heapAfter = usedHeapAfterGc(memory);
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		long max = sorted[sorted.length - 1];
		System.out.printf("%s stalled client: evicted after %d ms (write timeout %d ms, reason %s); %d events x 99"
				+ " readers all delivered (%d deliveries); publish latency p50 %.3f ms, p99 %.3f ms, max %.3f ms;"
				+ " heap used after GC %d MB before, %d MB after%n", containerName(),
				TimeUnit.NANOSECONDS.toMillis(evictedAfter), writeTimeout.toMillis(), stalledStream.closeReason(),
				total, total * 99L, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
				max / 1e6, heapBefore >> 20, heapAfter >> 20);
		assertThat(Duration.ofNanos(evictedAfter)).isLessThan(writeTimeout.plusSeconds(15));
		assertThat(Duration.ofNanos(max)).as("no publish waited for the stalled socket").isLessThan(writeTimeout);
		assertThat(heapAfter - heapBefore).isLessThan(64L << 20);
		awaitTrue(() -> registry.size() == 0);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void churnOfAThousandConnectionsLeavesNoSubscriberNoThreadAndNothingInTheLogs(CapturedOutput output)
			throws Exception {
		ConfigurableApplicationContext context = start("sse.heartbeat.interval=200ms",
				"sse.channels.history.max-events=0");
		SseChannels channels = channels(context);
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		int port = port(context);
		AtomicBoolean publishing = new AtomicBoolean(true);
		Thread publisher = new Thread(() -> {
			while (publishing.get()) {
				channels.channel("churn").publish(SseEvent.of("tick", "x"));
				sleep(10);
			}
		}, "test-churn-publisher");
		publisher.start();
		churn(port, 100);
		awaitTrue(() -> registry.size() == 0);
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		long start = System.nanoTime();
		churn(port, 1000);
		long churnMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		awaitTrue(() -> registry.size() == 0);
		long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		publishing.set(false);
		publisher.join(5000);
		SseChannel channel = channels.find("churn");
		assertThat((channel != null) ? channel.subscriberCount() : 0).isZero();
		int threadsAfter = awaitThreadCountAtMost(threadsBefore + 50);
		System.out.printf(
				"%s churn: 1000 connect/disconnect cycles (half abrupt) in %d ms, registry and channel"
						+ " back to 0 after %d ms; threads %d before, %d after%n",
				containerName(), churnMillis, settledMillis, threadsBefore, threadsAfter);
		assertThat(threadsAfter).as("threads after 1000 cycles (container pools may grow a little)")
			.isLessThanOrEqualTo(threadsBefore + 50);
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
			.filteredOn((name) -> name.startsWith("sse-") && !name.equals("sse-heartbeat"))
			.isEmpty();
		assertThat(output.getOut() + output.getErr()).as("the logs of 1100 ends, half of them abrupt")
			.doesNotContain(" WARN ", " ERROR ", "Exception", "recycle");
	}

	@Test
	void streamsBeyondMaxStreamsGet503WithRetryAfterAndOpenStreamsAreUndisturbed() throws Exception {
		ConfigurableApplicationContext context = start("sse.max-streams=3", "sse.retry=2s");
		SseChannel channel = channels(context).channel("limited");
		List<SseTestClient> open = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				SseTestClient client = connect(context, "/channels/limited", null);
				assertThat(client.statusCode()).isEqualTo(200);
				open.add(client);
			}
			try (RawHttpConnection refused = RawHttpConnection.get(port(context), "/channels/limited").readHead()) {
				assertThat(refused.statusLine()).startsWith("HTTP/1.1 503");
				assertThat(refused.headers()).containsEntry("retry-after", "2");
			}
			awaitTrue(() -> channel.subscriberCount() == 3);
			String id = channel.publish(SseEvent.of("still", "here")).id();
			for (SseTestClient client : open) {
				client.nextEvent().hasType("still").hasData("here").hasId(id);
			}
		}
		finally {
			open.forEach(SseTestClient::close);
		}
	}

	@Test
	void aClientThatClosesGivesItsSlotToTheNextStreamAtOnceWithoutWaitingForAHeartbeat() throws Exception {
		ConfigurableApplicationContext context = start("sse.max-streams=2");
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		SseChannel channel = channels(context).channel("slots");
		try (RawHttpConnection leaving = RawHttpConnection.get(port(context), "/channels/slots").readHead();
				SseTestClient staying = connect(context, "/channels/slots", null)) {
			assertThat(leaving.statusLine()).startsWith("HTTP/1.1 200");
			assertThat(staying.statusCode()).isEqualTo(200);
			awaitTrue(() -> channel.subscriberCount() == 2);
			leaving.closeAfterReading();
			long closed = System.nanoTime();
			try (RawHttpConnection next = RawHttpConnection.get(port(context), "/channels/slots").readHead()) {
				long answered = System.nanoTime() - closed;
				assertThat(next.statusLine()).as("the stream after a client closed").startsWith("HTTP/1.1 200");
				assertThat(Duration.ofNanos(answered)).as("until the slot was given again")
					.isLessThan(Duration.ofSeconds(1));
				System.out.printf("%s: a closed client's slot given to the next stream after %d ms%n", containerName(),
						TimeUnit.NANOSECONDS.toMillis(answered));
			}
			String id = channel.publish(SseEvent.of("still", "here")).id();
			staying.nextEvent().hasType("still").hasId(id);
			assertThat(staying.comments()).as("the probes an open stream saw").hasSizeLessThanOrEqualTo(12);
			assertThat(registry.size()).isEqualTo(2);
		}
	}

	private void churn(int port, int cycles) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(8);
		AtomicInteger next = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			futures.add(executor.submit(() -> {
				int i;
				while ((i = next.getAndIncrement()) < cycles) {
					RawHttpConnection connection = RawHttpConnection.get(port, "/channels/churn").readHead();
					assertThat(connection.statusLine()).startsWith("HTTP/1.1 200");
					if (i % 2 == 0) {
						connection.abort();
					}
					else {
						connection.close();
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(120, TimeUnit.SECONDS);
		}
		executor.shutdown();
	}

	private static int awaitThreadCountAtMost(int limit) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		int count;
		while ((count = ManagementFactory.getThreadMXBean().getThreadCount()) > limit
				&& System.nanoTime() - deadline < 0) {
			sleep(100);
		}
		return count;
	}

	private static long usedHeapAfterGc(MemoryMXBean memory) {
		System.gc();
		sleep(100);
		System.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static List<String> sortedIds(List<String> ids) {
		ConcurrentSkipListSet<String> sorted = new ConcurrentSkipListSet<>(SseEventIds::compare);
		sorted.addAll(ids);
		return new ArrayList<>(sorted);
	}

	private static List<String> concat(List<String> ids, String last) {
		List<String> all = new ArrayList<>(ids);
		all.add(last);
		return all;
	}

	private String containerName() {
		return getClass().getSimpleName().replace("SseChannelIntegrationTests", "");
	}

	static void awaitTrue(BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("condition met within 20 s").isNegative();
			sleep(20);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static SseTestClient connect(ConfigurableApplicationContext context, String path, String lastEventId) {
		SseTestClient.Builder builder = SseTestClient.builder("http://localhost:" + port(context) + path)
			.timeout(Duration.ofSeconds(10));
		if (lastEventId != null) {
			builder.lastEventId(lastEventId);
		}
		return builder.connect();
	}

	ConfigurableApplicationContext start(String... properties) {
		ConfigurableApplicationContext context = TestServers.run(ChannelTestApplication.class, containerConfiguration(),
				properties);
		this.contexts.add(context);
		return context;
	}

	static int port(ConfigurableApplicationContext context) {
		return TestServers.port(context);
	}

	static SseChannels channels(ConfigurableApplicationContext context) {
		return context.getBean(SseChannels.class);
	}

}
