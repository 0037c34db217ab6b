package io.github.ssekit.bench.webflux;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.ssekit.bench.Payload;
import io.github.ssekit.bench.RatePublisher;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * WebFlux as its users write SSE broadcast: a
 * {@code Sinks.many().multicast().onBackpressureBuffer()} sink (not auto-cancelled when
 * the last subscriber leaves), each subscriber mapping it to {@link ServerSentEvent}s
 * merged with a {@code Flux.interval} heartbeat.
 */
@RestController
class WebFluxServer implements RatePublisher.Target {

	private final Sinks.Many<String> sink = Sinks.many()
		.multicast()
		.onBackpressureBuffer(Queues.SMALL_BUFFER_SIZE, false);

	private final AtomicInteger subscribers = new AtomicInteger();

	private final Duration heartbeat;

	private final RatePublisher publisher;

	WebFluxServer(@Value("${bench.heartbeat:15s}") Duration heartbeat, SimpleAsyncTaskExecutorBuilder executorBuilder) {
		this.heartbeat = heartbeat;
		this.publisher = new RatePublisher(executorBuilder.threadNamePrefix("bench-publisher-").build());
	}

	private static volatile int sendBuffer;

	@Bean
	static NettyServerCustomizer benchNettyServer() {
		return (server) -> server.option(ChannelOption.SO_BACKLOG, 2048).doOnConnection((connection) -> {
			int bytes = sendBuffer;
			if (bytes > 0) {
				connection.channel().config().setOption(ChannelOption.SO_SNDBUF, bytes);
			}
		});
	}

	@PostMapping("/control/send-buffer")
	String sendBuffer(@RequestParam int bytes) {
		sendBuffer = bytes;
		return "sendBuffer=" + bytes + "\n";
	}

	@GetMapping(path = { "/subscribe", "/idle" }, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> subscribe(ServerHttpResponse response) {
		headers(response);
		Flux<ServerSentEvent<String>> events = this.sink.asFlux().map((data) -> ServerSentEvent.builder(data).build());
		if (!this.heartbeat.isZero()) {
			events = Flux.merge(events,
					Flux.interval(this.heartbeat).map((tick) -> ServerSentEvent.<String>builder().comment("").build()));
		}
		return events.doOnSubscribe((subscription) -> this.subscribers.incrementAndGet())
			.doFinally((signal) -> this.subscribers.decrementAndGet());
	}

	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> stream(@RequestParam(defaultValue = "64") int size,
			@RequestParam(defaultValue = "5") double seconds, ServerHttpResponse response) {
		headers(response);
		return Flux.defer(() -> {
			long end = System.nanoTime() + (long) (seconds * 1e9);
			return Flux.<ServerSentEvent<String>>generate((emitter) -> {
				long now = System.nanoTime();
				if (now >= end) {
					emitter.complete();
				}
				else {
					emitter.next(ServerSentEvent.builder(Payload.data(now, 0, size)).build());
				}
			});
		});
	}

	@Override
	public void broadcast(String data) {
		Sinks.EmitResult result = this.sink.tryEmitNext(data);
		if (result.isFailure()) {
			throw new IllegalStateException("emit failed: " + result);
		}
	}

	@PostMapping("/control/publish")
	String publish(@RequestParam double rate, @RequestParam double seconds, @RequestParam int step,
			@RequestParam(defaultValue = "64") int size) {
		return "started=" + this.publisher.start(rate, seconds, step, size, this) + "\n";
	}

	/** The same headers as every other server under test sends. */
	private static void headers(ServerHttpResponse response) {
		response.getHeaders().set("Cache-Control", "no-cache");
		response.getHeaders().set("X-Accel-Buffering", "no");
	}

	@GetMapping("/control/status")
	String status() {
		return this.publisher.status();
	}

	@GetMapping("/control/stats")
	String stats(@RequestParam(defaultValue = "false") boolean gc) {
		return RatePublisher.stats(this.subscribers.get(), gc);
	}

	@PostMapping("/control/sweep")
	String sweep() {
		return "subscribers=" + this.subscribers.get() + "\n";
	}

}
