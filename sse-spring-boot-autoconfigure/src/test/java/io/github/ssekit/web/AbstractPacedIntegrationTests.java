package io.github.ssekit.web;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.test.SseTestClient;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SseStreamRegistry;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-pressure over real sockets, run once per servlet container by the subclasses, with
 * the default queue limits: a producer loop and a reactive source are paced by a client
 * that reads slowly through small socket buffers, a client that stops reading is evicted
 * after the write timeout, and a client that leaves cancels the source. With virtual
 * threads on, a JFR recording checks that no paced wait pinned its thread.
 *
 * @author ssekit
 */
abstract class AbstractPacedIntegrationTests {

	private static final int SMALL_BUFFER = 4096;

	/** What may be in flight besides the queue: socket and container buffers. */
	private static final long IN_FLIGHT_BYTES = 128 * 1024;

	private static @Nullable Recording pinning;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Return the configuration that selects the servlet container, with a small socket
	 * send buffer.
	 * @return a configuration class defining the web server factory
	 */
	abstract Class<?> containerConfiguration();

	@BeforeAll
	static void recordPinning() {
		if (Boolean.getBoolean("spring.threads.virtual.enabled")) {
			Recording recording = new Recording();
			recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
			recording.start();
			pinning = recording;
		}
	}

	@AfterAll
	static void noPacedWaitPinnedItsThread() throws IOException {
		Recording recording = pinning;
		if (recording == null) {
			return;
		}
		pinning = null;
		Path file = Files.createTempFile("sse-pinning-", ".jfr");
		try {
			recording.stop();
			recording.dump(file);
			List<RecordedEvent> events = RecordingFile.readAllEvents(file);
			List<String> inStreams = new ArrayList<>();
			for (RecordedEvent event : events) {
				if (event.getStackTrace() != null && event.getStackTrace()
					.getFrames()
					.stream()
					.map(RecordedFrame::getMethod)
					.anyMatch((method) -> method.getType().getName().equals(DefaultSseStream.class.getName()))) {
					inStreams.add(event.toString());
				}
			}
			System.out.printf("jdk.VirtualThreadPinned: %d event(s), %d in a stream's publish or wait%n", events.size(),
					inStreams.size());
			assertThat(inStreams).as("virtual threads pinned inside DefaultSseStream").isEmpty();
		}
		finally {
			recording.close();
			Files.deleteIfExists(file);
		}
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aProducerLoopIsPacedByASlowReaderAndNeverEvicted() throws Exception {
		ConfigurableApplicationContext context = start();
		PacedTestApplication.Probe probe = probe(context);
		int count = 200_000;
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long heapBefore = usedHeapAfterGc(memory);
		SlowReader reader = new SlowReader(connect(context, "/loop?count=" + count), 100_000);
		AtomicLong maxAhead = new AtomicLong();
		AtomicLong maxQueuedBytes = new AtomicLong();
		AtomicBoolean reading = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (reading.get()) {
				maxAhead.accumulateAndGet(probe.published.get() - reader.events, Math::max);
				DefaultSseStream stream = probe.stream.get();
				if (stream != null) {
					maxQueuedBytes.accumulateAndGet(stream.queuedBytes(), Math::max);
				}
				sleep(20);
			}
		});
		sampler.setDaemon(true);
		sampler.start();
		long start = System.nanoTime();
		reader.readToEnd(Duration.ofMinutes(2));
		long readNanos = System.nanoTime() - start;
		reading.set(false);
		sampler.join();
		long heapAfter = usedHeapAfterGc(memory);
		assertThat(reader.failures).as("events in order").isEmpty();
		assertThat(reader.events).isEqualTo(count);
		assertThat(probe.producerDone.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(probe.producerFailure.get()).as("the producer's publish never failed").isNull();
		assertThat(probe.stream.get().closeReason()).isEqualTo(CloseReason.APPLICATION);
		long eventSize = reader.bytes / count + 1;
		assertThat(maxAhead.get()).as("events the producer was ahead of the reader")
			.isLessThanOrEqualTo(1000 + IN_FLIGHT_BYTES / eventSize);
		assertThat(maxQueuedBytes.get()).isLessThanOrEqualTo(1024 * 1024);
		assertThat(heapAfter - heapBefore).isLessThan(64L << 20);
		System.out.printf(
				"%s slow reader: %d events (%d KB) in %d ms (%.0f KB/s); producer at most %d events ahead;"
						+ " at most %d bytes queued; heap used after GC %d MB before, %d MB after%n",
				containerName(), count, reader.bytes >> 10, TimeUnit.NANOSECONDS.toMillis(readNanos),
				reader.bytes / 1024.0 / (readNanos / 1e9), maxAhead.get(), maxQueuedBytes.get(), heapBefore >> 20,
				heapAfter >> 20);
	}

	@Test
	void aReaderThatStopsIsEvictedAfterTheWriteTimeoutAndTheBlockedPublishThrows() throws Exception {
		Duration writeTimeout = Duration.ofSeconds(2);
		ConfigurableApplicationContext context = start("sse.stream.write-timeout=" + writeTimeout.toMillis() + "ms");
		PacedTestApplication.Probe probe = probe(context);
		try (RawHttpConnection connection = connect(context, "/loop?count=" + Long.MAX_VALUE)) {
			assertThat(connection.readChunk()).startsWith("data: 0\n");
			long stoppedReading = System.nanoTime();
			assertThat(probe.producerDone.await(writeTimeout.toSeconds() + 20, TimeUnit.SECONDS)).isTrue();
			long evictedAfter = System.nanoTime() - stoppedReading;
			assertThat(probe.producerFailure.get()).isInstanceOf(SseStreamClosedException.class);
			assertThat(probe.stream.get().closeReason()).isEqualTo(CloseReason.WRITE_TIMEOUT);
			assertThat(Duration.ofNanos(evictedAfter)).isGreaterThanOrEqualTo(writeTimeout);
			System.out.printf(
					"%s stopped reader: evicted %d ms after it stopped reading (write timeout %d ms),"
							+ " %d events published%n",
					containerName(), TimeUnit.NANOSECONDS.toMillis(evictedAfter), writeTimeout.toMillis(),
					probe.published.get());
		}
	}

	@Test
	void aFluxOfAMillionIsPacedByItsReaderWithDemandBoundedByTheQueue() throws Exception {
		ConfigurableApplicationContext context = start();
		PacedTestApplication.Probe probe = probe(context);
		int count = 1_000_000;
		SlowReader reader = new SlowReader(connect(context, "/range?count=" + count), 4_000_000);
		reader.readToEnd(Duration.ofMinutes(2));
		assertThat(reader.failures).as("elements in order").isEmpty();
		assertThat(reader.events).isEqualTo(count);
		assertThat(probe.maxOutstanding.get()).as("outstanding demand").isLessThanOrEqualTo(1000);
		assertThat(probe.cancelled.getCount()).as("a completed source is not cancelled").isOne();
		System.out.printf("%s Flux.range(0, %d): all delivered, outstanding demand at most %d%n", containerName(),
				count, probe.maxOutstanding.get());
	}

	@Test
	void aClientThatLeavesCancelsTheSource() throws Exception {
		ConfigurableApplicationContext context = start();
		PacedTestApplication.Probe probe = probe(context);
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		RawHttpConnection connection = connect(context, "/range?count=" + Integer.MAX_VALUE);
		assertThat(connection.readChunk()).startsWith("data: 0\n");
		connection.abort();
		assertThat(probe.cancelled.await(10, TimeUnit.SECONDS)).as("source cancelled").isTrue();
		assertThat(probe.stream.get().closeReason()).isEqualTo(CloseReason.CLIENT_GONE);
		AbstractSseChannelIntegrationTests.awaitTrue(() -> registry.size() == 0);
	}

	@Test
	void aFailingSourceSendsItsErrorEventAndEndsTheResponse() {
		ConfigurableApplicationContext context = start();
		try (SseTestClient client = SseTestClient.builder(url(context, "/failing"))
			.timeout(Duration.ofSeconds(10))
			.connect()) {
			client.awaitCompletion();
			assertThat(client.receivedEvents()).containsExactly(SseMessage.of("a"), SseMessage.of("b"),
					new SseMessage("error", "upstream failed", ""));
		}
	}

	@Test
	void aCompletingSourceEndsTheResponseAfterItsLastElement() {
		ConfigurableApplicationContext context = start();
		try (SseTestClient client = SseTestClient.builder(url(context, "/range?count=3"))
			.timeout(Duration.ofSeconds(10))
			.connect()) {
			client.awaitCompletion();
			assertThat(client.receivedEvents()).extracting(SseMessage::data).containsExactly("0", "1", "2");
		}
		assertThat(probe(context).cancelled.getCount()).isOne();
	}

	@Test
	void aProducerThatPublishesTenThousandBeforeTheResponseStartsLosesNone() {
		ConfigurableApplicationContext context = start();
		try (SseTestClient client = SseTestClient.builder(url(context, "/loop?count=10000"))
			.timeout(Duration.ofSeconds(20))
			.connect()) {
			client.awaitCompletion();
			List<SseMessage> events = client.receivedEvents();
			assertThat(events).hasSize(10_000);
			for (int i = 0; i < events.size(); i++) {
				assertThat(events.get(i).data()).isEqualTo(Integer.toString(i));
			}
		}
		assertThat(probe(context).producerFailure.get()).isNull();
	}

	private ConfigurableApplicationContext start(String... properties) {
		ConfigurableApplicationContext context = TestServers.run(PacedTestApplication.class, containerConfiguration(),
				properties);
		this.contexts.add(context);
		return context;
	}

	private static PacedTestApplication.Probe probe(ConfigurableApplicationContext context) {
		return context.getBean(PacedTestApplication.Probe.class);
	}

	private static RawHttpConnection connect(ConfigurableApplicationContext context, String path) throws IOException {
		RawHttpConnection connection = RawHttpConnection
			.getWithReceiveBuffer(TestServers.port(context), SMALL_BUFFER, path)
			.readHead();
		assertThat(connection.statusLine()).contains(" 200");
		return connection;
	}

	private static String url(ConfigurableApplicationContext context, String path) {
		return "http://localhost:" + TestServers.port(context) + path;
	}

	private String containerName() {
		return getClass().getSimpleName().replace("PacedIntegrationTests", "");
	}

	private static long usedHeapAfterGc(MemoryMXBean memory) {
		memory.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Reads a stream of the numbers from zero no faster than a given rate, checking their
	 * order as they come, without keeping them.
	 */
	private static final class SlowReader {

		private final RawHttpConnection connection;

		private final long bytesPerSecond;

		private final SseParser parser;

		volatile long events;

		long bytes;

		final List<String> failures = new ArrayList<>();

		SlowReader(RawHttpConnection connection, long bytesPerSecond) {
			this.connection = connection;
			this.bytesPerSecond = bytesPerSecond;
			this.parser = new SseParser(this::check);
		}

		private void check(SseMessage event) {
			if (!event.data().equals(Long.toString(this.events)) && this.failures.size() < 10) {
				this.failures.add("event " + this.events + " was " + event.data());
			}
			this.events++;
		}

		void readToEnd(Duration timeout) throws IOException {
			this.connection.setTimeout((int) timeout.toMillis());
			long start = System.nanoTime();
			String chunk;
			while (!(chunk = this.connection.readChunk()).isEmpty()) {
				byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
				this.bytes += data.length;
				this.parser.feed(data, 0, data.length);
				long due = start + this.bytes * 1_000_000_000L / this.bytesPerSecond;
				long ahead = due - System.nanoTime();
				if (ahead > TimeUnit.MILLISECONDS.toNanos(1)) {
					sleep(TimeUnit.NANOSECONDS.toMillis(ahead));
				}
			}
			this.parser.end();
			this.connection.close();
		}

	}

}
