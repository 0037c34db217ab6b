package io.github.ssekit.redis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.client.SseClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Cross-instance delivery through Redis, on one real Redis on loopback: two brokers (two
 * instances), events published on A timed until B's listener gets them; two application
 * instances, events published on A's channel timed until an SSE client connected to B
 * parses them; and 100,000 channels with a listener on B, 1,000 publishes a second spread
 * over them from A, timed, with the CPU time of B's reader thread
 * ({@link #manyChannelsLatencyAndReaderCpu()}; {@link RedisClusterBrokerBenchmark} runs
 * it on a Redis Cluster). Not a test: run it with
 *
 * <pre>
 * ./mvnw -pl sse-spring-boot-autoconfigure test -Dtest=RedisBrokerBenchmark -Dsse.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read the figures from standard output
 * ({@code target/surefire-reports/io.github.ssekit.redis.RedisBrokerBenchmark-output.txt}).
 *
 * @author ssekit
 */
@EnabledIfSystemProperty(named = "sse.benchmark", matches = "true")
class RedisBrokerBenchmark {

	@RegisterExtension
	static final RedisServer redis = new RedisServer();

	@Test
	void crossInstanceThroughputAndLatency() throws Exception {
		RedisSseBrokerSettings settings = RedisSseBrokerSettings.builder()
			.keyPrefix("bench:")
			.maxLength(100_000)
			.approximateTrimming(true)
			.build();
		RedisClient clientA = RedisClient.create(redis.uri());
		RedisClient clientB = RedisClient.create(redis.uri());
		RedisSseChannelBroker a = new RedisSseChannelBroker(clientA, settings);
		RedisSseChannelBroker b = new RedisSseChannelBroker(clientB, settings);
		a.start();
		b.start();
		try {
			for (int round = 1; round <= 2; round++) {
				throughput(a, b, "throughput-8-" + round, 8, 100_000);
				throughput(a, b, "throughput-32-" + round, 32, 100_000);
				pipelined(clientA, b, "pipelined-" + round, 200_000);
			}
			for (int round = 1; round <= 2; round++) {
				latency(a, b, "latency-" + round, 5_000, 20_000);
			}
		}
		finally {
			a.stop();
			b.stop();
			clientA.shutdown();
			clientB.shutdown();
		}
	}

	@Test
	void manyChannelsLatencyAndReaderCpu() throws Exception {
		RedisClient clientA = RedisClient.create(redis.uri());
		RedisClient clientB = RedisClient.create(redis.uri());
		try {
			manyChannels("standalone", (settings) -> new RedisSseChannelBroker(clientA, settings),
					(settings) -> new RedisSseChannelBroker(clientB, settings));
		}
		finally {
			clientA.shutdown();
			clientB.shutdown();
		}
	}

	/**
	 * 100,000 channels with a listener on B, 1,000 publishes a second from A to random
	 * ones among them: publish-to-delivery latency, and the CPU time of B's reader thread
	 * over the measuring window as a share of one core.
	 * @param label what runs, for the output
	 * @param a creates broker A
	 * @param b creates broker B
	 * @throws Exception on failure
	 */
	static void manyChannels(String label, Function<RedisSseBrokerSettings, RedisSseChannelBroker> a,
			Function<RedisSseBrokerSettings, RedisSseChannelBroker> b) throws Exception {
		int channels = 100_000;
		int rate = 1_000;
		int warmup = 5 * rate;
		int measured = 20 * rate;
		RedisSseBrokerSettings settings = RedisSseBrokerSettings.builder()
			.keyPrefix("bench-many-" + System.nanoTime() + ":")
			.maxLength(100)
			.build();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		RedisSseChannelBroker publisher = a.apply(settings);
		publisher.start();
		Set<Long> before = readerThreads();
		RedisSseChannelBroker listener = b.apply(settings);
		listener.start();
		Set<Long> readers = readerThreads();
		readers.removeAll(before);
		try {
			long[] latencies = new long[warmup + measured];
			long[] publishes = new long[warmup + measured];
			CountDownLatch delivered = new CountDownLatch(warmup + measured);
			long setup = System.nanoTime();
			ExecutorService executor = Executors.newFixedThreadPool(8);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int from = t;
				futures.add(executor.submit(() -> {
					for (int c = from; c < channels; c += 8) {
						listener.listen("c" + c, (event) -> {
							latencies[Integer.parseInt(event.event())] = System.nanoTime()
									- Long.parseLong(event.data());
							delivered.countDown();
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
			executor.shutdown();
			while (listener.getReadChannelCount() < channels) {
				Thread.sleep(10);
			}
			System.out.printf("%s: %d channels listened to on B in %.1f s%n", label, channels,
					seconds(System.nanoTime() - setup));
			Thread.sleep(1000);
			long interval = TimeUnit.SECONDS.toNanos(1) / rate;
			long next = System.nanoTime();
			long windowStart = 0;
			long cpuStart = 0;
			for (int i = 0; i < warmup + measured; i++) {
				if (i == warmup) {
					windowStart = System.nanoTime();
					cpuStart = cpu(threads, readers);
				}
				while (System.nanoTime() < next) {
					LockSupport.parkNanos(Math.max(1, next - System.nanoTime()));
				}
				next += interval;
				String channel = "c" + ThreadLocalRandom.current().nextInt(channels);
				long start = System.nanoTime();
				publisher.publish(channel, SseEvent.of(Integer.toString(i), Long.toString(start)));
				publishes[i] = System.nanoTime() - start;
			}
			if (!delivered.await(1, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Not all events delivered: " + delivered.getCount() + " missing");
			}
			long windowEnd = System.nanoTime();
			long cpu = cpu(threads, readers) - cpuStart;
			long[] window = Arrays.copyOfRange(latencies, warmup, warmup + measured);
			Arrays.sort(window);
			long[] publishWindow = Arrays.copyOfRange(publishes, warmup, warmup + measured);
			Arrays.sort(publishWindow);
			System.out.printf("%s: %d channels with a listener on B, %d publishes/s from A over them, %d measured: "
					+ "publish on A -> listener on B p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; "
					+ "B's reader thread CPU %.1f%% of a core; the publish call itself p50 %.2f ms, p99 %.2f ms%n",
					label, channels, rate, measured, millis(window, 0.50), millis(window, 0.99), millis(window, 0.999),
					window[measured - 1] / 1e6, 100.0 * cpu / (windowEnd - windowStart), millis(publishWindow, 0.50),
					millis(publishWindow, 0.99));
		}
		finally {
			publisher.stop();
			listener.stop();
		}
	}

	private static Set<Long> readerThreads() {
		Set<Long> ids = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals("sse-redis-reader")) {
				ids.add(thread.getId());
			}
		}
		return ids;
	}

	private static long cpu(ThreadMXBean threads, Set<Long> ids) {
		long total = 0;
		for (long id : ids) {
			total += Math.max(0, threads.getThreadCpuTime(id));
		}
		return total;
	}

	@Test
	void crossInstanceThroughputAndLatencyOverHttp() throws Exception {
		ConfigurableApplicationContext a = instance();
		ConfigurableApplicationContext b = instance();
		try {
			for (int round = 1; round <= 2; round++) {
				overHttp(a, b, "http-throughput-" + round, 32, 100_000, 0);
			}
			for (int round = 1; round <= 2; round++) {
				overHttp(a, b, "http-latency-" + round, 1, 20_000, 5_000);
			}
		}
		finally {
			a.close();
			b.close();
		}
	}

	private static ConfigurableApplicationContext instance() {
		return new SpringApplicationBuilder(RedisTwoInstancesTests.TwoInstancesApplication.class)
			.properties("server.port=0", "sse.broker=redis", "spring.data.redis.port=" + redis.port(),
					"sse.redis.key-prefix=bench-http:", "sse.channels.history.max-events=100000",
					"sse.redis.history.approximate-trimming=true", "sse.stream.max-queued-events=100000",
					"sse.stream.max-queued-bytes=100MB", "spring.main.banner-mode=off", "logging.level.root=warn")
			.run();
	}

	private void overHttp(ConfigurableApplicationContext a, ConfigurableApplicationContext b, String channel,
			int publishers, int total, int ratePerSecond) throws Exception {
		long[] latencies = new long[total];
		AtomicInteger received = new AtomicInteger();
		CountDownLatch delivered = new CountDownLatch(total);
		CountDownLatch open = new CountDownLatch(1);
		SseClient client = SseClient
			.builder("http://localhost:" + b.getEnvironment().getProperty("local.server.port") + "/channels/" + channel)
			.onOpen((response) -> open.countDown())
			.onEvent((event) -> {
				int index = received.getAndIncrement();
				if (index < total) {
					latencies[index] = System.nanoTime() - Long.parseLong(event.data());
				}
				delivered.countDown();
			})
			.start();
		try {
			open.await(30, TimeUnit.SECONDS);
			Thread.sleep(300);
			SseChannel target = a.getBean(SseChannels.class).channel(channel);
			ExecutorService executor = Executors.newFixedThreadPool(publishers);
			AtomicInteger remaining = new AtomicInteger(total);
			long interval = (ratePerSecond > 0) ? TimeUnit.SECONDS.toNanos(1) / ratePerSecond : 0;
			long start = System.nanoTime();
			List<Future<?>> futures = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				futures.add(executor.submit(() -> {
					long next = System.nanoTime();
					while (remaining.getAndDecrement() > 0) {
						if (interval > 0) {
							while (System.nanoTime() < next) {
								LockSupport.parkNanos(Math.max(1, next - System.nanoTime()));
							}
							next += interval;
						}
						target.publish(SseEvent.of(Long.toString(System.nanoTime())));
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
			executor.shutdown();
			if (!delivered.await(5, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Not all events delivered: " + delivered.getCount() + " missing");
			}
			long end = System.nanoTime();
			Arrays.sort(latencies);
			System.out.printf(
					"%s: %d events, %d publishers on instance A, one SSE client on instance B: "
							+ "%.0f deliveries/s; publish -> client p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
					channel, total, publishers, total / seconds(end - start), millis(latencies, 0.50),
					millis(latencies, 0.99), latencies[total - 1] / 1e6);
		}
		finally {
			client.close();
		}
	}

	private void throughput(RedisSseChannelBroker a, RedisSseChannelBroker b, String channel, int publishers, int total)
			throws Exception {
		CountDownLatch delivered = new CountDownLatch(total);
		b.listen(channel, (event) -> delivered.countDown());
		Thread.sleep(200);
		ExecutorService executor = Executors.newFixedThreadPool(publishers);
		AtomicInteger remaining = new AtomicInteger(total);
		SseEvent event = SseEvent.of("price", "{\"symbol\":\"ACME\",\"price\":123.45}");
		long start = System.nanoTime();
		List<Future<?>> futures = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			futures.add(executor.submit(() -> {
				while (remaining.getAndDecrement() > 0) {
					a.publish(channel, event);
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(5, TimeUnit.MINUTES);
		}
		long published = System.nanoTime();
		if (!delivered.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Not all events delivered: " + delivered.getCount() + " missing");
		}
		long end = System.nanoTime();
		executor.shutdown();
		System.out.printf("%s: %d events, %d publishers on A: published %.0f/s, delivered on B %.0f/s%n", channel,
				total, publishers, total / seconds(published - start), total / seconds(end - start));
	}

	private void pipelined(RedisClient publisher, RedisSseChannelBroker b, String channel, int total) throws Exception {
		CountDownLatch delivered = new CountDownLatch(total);
		b.listen(channel, (event) -> delivered.countDown());
		Thread.sleep(200);
		try (StatefulRedisConnection<String, String> connection = publisher.connect()) {
			RedisAsyncCommands<String, String> commands = connection.async();
			List<RedisFuture<String>> futures = new ArrayList<>(total);
			long start = System.nanoTime();
			for (int i = 0; i < total; i++) {
				futures.add(commands.xadd("bench:" + channel, new XAddArgs().maxlen(100_000).approximateTrimming(),
						Map.of("event", "price", "data", "{\"symbol\":\"ACME\",\"price\":123.45}")));
				// the notification the broker's publish script sends
				commands.publish("bench:", "bench:" + channel);
			}
			for (RedisFuture<String> future : futures) {
				future.get(1, TimeUnit.MINUTES);
			}
			long published = System.nanoTime();
			if (!delivered.await(5, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Not all events delivered: " + delivered.getCount() + " missing");
			}
			long end = System.nanoTime();
			System.out.printf(
					"%s: %d events appended with pipelined XADD and PUBLISH: appended %.0f/s, delivered on B %.0f/s%n",
					channel, total, total / seconds(published - start), total / seconds(end - start));
		}
	}

	private void latency(RedisSseChannelBroker a, RedisSseChannelBroker b, String channel, int ratePerSecond, int count)
			throws Exception {
		long[] latencies = new long[count];
		CountDownLatch delivered = new CountDownLatch(count);
		b.listen(channel, (event) -> {
			int index = Integer.parseInt(event.event());
			latencies[index] = System.nanoTime() - Long.parseLong(event.data());
			delivered.countDown();
		});
		Thread.sleep(200);
		long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
		long next = System.nanoTime();
		for (int i = 0; i < count; i++) {
			while (System.nanoTime() < next) {
				LockSupport.parkNanos(Math.max(1, next - System.nanoTime()));
			}
			next += interval;
			a.publish(channel, SseEvent.of(Integer.toString(i), Long.toString(System.nanoTime())));
		}
		if (!delivered.await(1, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Not all events delivered: " + delivered.getCount() + " missing");
		}
		Arrays.sort(latencies);
		System.out.printf(
				"%s: %d events at %d/s, publish on A -> listener on B: p50 %.2f ms, p99 %.2f ms, "
						+ "p99.9 %.2f ms, max %.2f ms%n",
				channel, count, ratePerSecond, millis(latencies, 0.50), millis(latencies, 0.99),
				millis(latencies, 0.999), latencies[count - 1] / 1e6);
	}

	static double millis(long[] sorted, double percentile) {
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(percentile * sorted.length) - 1)] / 1e6;
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

}
