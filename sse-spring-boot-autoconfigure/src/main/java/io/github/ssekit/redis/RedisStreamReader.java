package io.github.ssekit.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs the {@link RedisStreamPollTask} on a thread of its own. When a run fails, drops
 * the connection and schedules the next run after the backoff's delay, so that no thread
 * sleeps while Redis is away.
 *
 * @author ssekit
 */
final class RedisStreamReader {

	private static final Log logger = LogFactory.getLog(RedisSseChannelBroker.class);

	private static final String THREAD_NAME = "sse-redis-reader";

	private final RedisConnector connector;

	private final RedisBackoff backoff;

	private final RedisStreamPollTask task;

	private final ScheduledExecutorService executor;

	/**
	 * Create a reader, not started yet.
	 * @param connector the connector
	 * @param streams the streams to read
	 * @param settings the broker settings
	 * @param observer supplies the observer told about deliveries
	 */
	RedisStreamReader(RedisConnector connector, RedisReadStreams streams, RedisSseBrokerSettings settings,
			Supplier<RedisSseChannelBroker.Observer> observer) {
		this.connector = connector;
		this.backoff = new RedisBackoff(settings.minBackoff(), settings.maxBackoff());
		this.task = new RedisStreamPollTask(connector, streams, settings, observer, this.backoff, this::retry);
		this.executor = Executors.newSingleThreadScheduledExecutor(RedisStreamReader::newThread);
	}

	private static Thread newThread(Runnable runnable) {
		Thread thread = new Thread(runnable, THREAD_NAME);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Start reading.
	 */
	void start() {
		this.executor.execute(this.task);
	}

	/**
	 * Stop reading: cancel the task, interrupt a read in progress and wait for it to end.
	 * @param timeout how long to wait
	 */
	void stop(Duration timeout) {
		this.task.cancel();
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void retry(Throwable failure) {
		this.connector.lost(failure);
		try {
			this.executor.schedule(this.task, this.backoff.next().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			logger.trace("Reader stopped, not reconnecting", ex);
		}
	}

}
