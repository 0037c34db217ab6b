package io.github.ssekit.bench.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.bench.Payload;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Plain Spring MVC {@link SseEmitter}, with the broadcast its users write by hand: a
 * {@link CopyOnWriteArrayList} of emitters, a send loop, removal on completion, timeout
 * and error, and a scheduled heartbeat comment.
 */
@RestController
@ConditionalOnProperty(name = "bench.server", havingValue = "emitter")
class EmitterServer implements Broadcaster, DisposableBean {

	private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

	private final SimpleAsyncTaskExecutor producers;

	private final ScheduledExecutorService heartbeats = Executors
		.newSingleThreadScheduledExecutor((task) -> new Thread(task, "bench-heartbeat"));

	EmitterServer(SimpleAsyncTaskExecutorBuilder executorBuilder, @Value("${bench.heartbeat:15s}") Duration heartbeat) {
		this.producers = executorBuilder.threadNamePrefix("emitter-producer-").build();
		if (!heartbeat.isZero()) {
			this.heartbeats.scheduleAtFixedRate(this::sweep, heartbeat.toMillis(), heartbeat.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	@GetMapping({ "/subscribe", "/idle" })
	SseEmitter subscribe(HttpServletResponse response) {
		headers(response);
		SseEmitter emitter = new SseEmitter(Long.MAX_VALUE);
		this.emitters.add(emitter);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		return emitter;
	}

	/** The same headers as every other server under test sends. */
	private static void headers(HttpServletResponse response) {
		response.setHeader("Cache-Control", "no-cache");
		response.setHeader("X-Accel-Buffering", "no");
	}

	@Override
	public void broadcast(String data) {
		for (SseEmitter emitter : this.emitters) {
			try {
				emitter.send(SseEmitter.event().data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.emitters.remove(emitter);
			}
		}
	}

	@Override
	public int subscribers() {
		return this.emitters.size();
	}

	@Override
	public void sweep() {
		for (SseEmitter emitter : this.emitters) {
			try {
				emitter.send(SseEmitter.event().comment(""));
			}
			catch (IOException | IllegalStateException ex) {
				this.emitters.remove(emitter);
			}
		}
	}

	@GetMapping("/stream")
	SseEmitter stream(@RequestParam(defaultValue = "64") int size, @RequestParam(defaultValue = "5") double seconds,
			@RequestParam(defaultValue = "flush") String mode, HttpServletResponse response) {
		headers(response);
		SseEmitter emitter = new SseEmitter(Long.MAX_VALUE);
		this.producers.execute(() -> {
			long end = System.nanoTime() + (long) (seconds * 1e9);
			try {
				long now;
				while ((now = System.nanoTime()) < end) {
					emitter.send(SseEmitter.event().data(Payload.data(now, 0, size)));
				}
				emitter.complete();
			}
			catch (IOException | IllegalStateException ex) {
				emitter.completeWithError(ex);
			}
		});
		return emitter;
	}

	@Override
	public void destroy() {
		this.heartbeats.shutdownNow();
	}

}
