package io.github.ssekit.sample;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One shared ticker for the stock-price example: every interval it publishes a random
 * price for each symbol to the {@code prices} channel, as an event named after the
 * symbol. However many clients listen, there is one thread and each price is encoded
 * once.
 *
 * @author ssekit
 */
@Component
class PriceTicker implements SmartLifecycle {

	static final String CHANNEL = "prices";

	static final List<String> SYMBOLS = List.of("AAPL", "AMZN", "GOOG");

	private static final Log logger = LogFactory.getLog(PriceTicker.class);

	private final SseChannel channel;

	private final Duration interval;

	private @Nullable ScheduledExecutorService scheduler;

	private boolean failing;

	PriceTicker(SseChannels channels, @Value("${sample.price.interval:1s}") Duration interval) {
		this.channel = channels.channel(CHANNEL);
		this.interval = interval;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "price-ticker");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.interval.toMillis();
		executor.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Publish one price per symbol. While the broker is unavailable the ticks are
	 * skipped: one WARN when that starts, one INFO when prices flow again.
	 */
	void tick() {
		try {
			for (String symbol : SYMBOLS) {
				double price = ThreadLocalRandom.current().nextDouble() * 100;
				this.channel.publish(symbol, String.format(Locale.ROOT, "%f", price));
			}
			if (this.failing) {
				this.failing = false;
				logger.info("Publishing prices again");
			}
		}
		catch (SseBrokerException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Could not publish prices, skipping ticks until the broker is back: " + ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not publish prices", ex);
		}
	}

}
