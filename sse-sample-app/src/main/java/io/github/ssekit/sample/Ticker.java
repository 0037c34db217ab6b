package io.github.ssekit.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The one scheduler thread that drives the sample's timed streams ({@code /counter},
 * {@code /greetings}): a stream holds a scheduled task, never a thread, so any number of
 * open streams share this single thread.
 *
 * @author ssekit
 */
@Component
class Ticker implements DisposableBean {

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final Set<ScheduledFuture<?>> tasks = ConcurrentHashMap.newKeySet();

	Ticker() {
		this.scheduler.setPoolSize(1);
		this.scheduler.setThreadNamePrefix("sample-ticker-");
		this.scheduler.setDaemon(true);
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.initialize();
	}

	/**
	 * Run the task now and then every {@code period} until the returned future is
	 * cancelled.
	 * @param period the time between runs
	 * @param task the task, which must not block
	 * @return the future to cancel when the stream closes
	 */
	ScheduledFuture<?> every(Duration period, Runnable task) {
		ScheduledFuture<?> future = this.scheduler.scheduleAtFixedRate(task, Instant.now(), period);
		this.tasks.add(future);
		return future;
	}

	/**
	 * Return how many tasks are scheduled and not yet cancelled, that is how many timed
	 * streams are open. A task running at this moment counts, which the executor's queue
	 * alone would miss.
	 * @return the number of scheduled tasks
	 */
	int scheduledTasks() {
		this.tasks.removeIf(ScheduledFuture::isDone);
		return this.tasks.size();
	}

	@Override
	public void destroy() {
		this.scheduler.shutdown();
	}

}
