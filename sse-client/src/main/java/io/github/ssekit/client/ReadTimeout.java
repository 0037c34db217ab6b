package io.github.ssekit.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Watches one connection: when the reader waited for bytes for the timeout, runs an
 * action (which drops the connection). Time spent processing bytes (in listeners) does
 * not count.
 */
final class ReadTimeout {

	private static final ScheduledThreadPoolExecutor scheduler = createScheduler();

	private final long timeoutNanos;

	private final Runnable onTimeout;

	private volatile long lastReadNanos = System.nanoTime();

	private volatile boolean processing;

	private volatile boolean expired;

	private volatile boolean stopped;

	private volatile @Nullable ScheduledFuture<?> check;

	private ReadTimeout(Duration timeout, Runnable onTimeout) {
		this.timeoutNanos = timeout.toNanos();
		this.onTimeout = onTimeout;
	}

	static ReadTimeout start(Duration timeout, Runnable onTimeout) {
		ReadTimeout readTimeout = new ReadTimeout(timeout, onTimeout);
		readTimeout.schedule(readTimeout.timeoutNanos);
		return readTimeout;
	}

	void processing() {
		this.processing = true;
	}

	void reading() {
		this.lastReadNanos = System.nanoTime();
		this.processing = false;
	}

	boolean expired() {
		return this.expired;
	}

	void stop() {
		this.stopped = true;
		ScheduledFuture<?> scheduled = this.check;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
	}

	private void schedule(long delayNanos) {
		this.check = scheduler.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void check() {
		if (this.stopped) {
			return;
		}
		long idle = this.processing ? 0 : System.nanoTime() - this.lastReadNanos;
		if (idle < this.timeoutNanos) {
			schedule(this.timeoutNanos - idle);
			return;
		}
		this.expired = true;
		this.onTimeout.run();
	}

	private static ScheduledThreadPoolExecutor createScheduler() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "sse-client-read-timeout");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setKeepAliveTime(10, TimeUnit.SECONDS);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
