package io.github.ssekit.bench.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.bench.Payload;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;

import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * ssekit: {@code /subscribe} streams join the channel {@code bench}, whose
 * {@code publish} is the broadcast (encoded once, the same bytes queued for every
 * subscriber); {@code /stream} is one stream fed by its own producer.
 */
@RestController
@ConditionalOnProperty(name = "bench.server", havingValue = "ssekit")
class SsekitServer implements Broadcaster {

	private static final int BATCH = 64;

	private final SseStreamFactory streams;

	private final SseChannels channels;

	private final Set<SseStream> subscribers = ConcurrentHashMap.newKeySet();

	private final boolean multiChannel;

	private final AtomicLong users = new AtomicLong();

	SsekitServer(SseStreamFactory streams, SseChannels channels,
			@Value("${bench.subscription:single}") String subscription) {
		this.streams = streams;
		this.channels = channels;
		this.multiChannel = "multi".equals(subscription);
	}

	/**
	 * A stream on the broadcast channel; with {@code bench.subscription=multi}, also on a
	 * channel of its own and one of ten rooms, as a chat user's stream is, so that every
	 * event it receives carries its cursor of three channels as its id.
	 * @return the stream
	 */
	@GetMapping("/subscribe")
	SseStream subscribe() {
		SseStream stream = idle();
		if (this.multiChannel) {
			long user = this.users.incrementAndGet();
			this.channels.subscribe(stream, null, "bench", "user:" + user, "room:" + (user % 10));
		}
		else {
			channel().subscribe(stream);
		}
		return stream;
	}

	/**
	 * An idle stream that joins no channel (the idle-capacity scenario): subscribing
	 * 15,000 streams to one channel is slow at present, see docs/benchmarks.md.
	 */
	@GetMapping("/idle")
	SseStream idle() {
		SseStream stream = this.streams.create();
		this.subscribers.add(stream);
		stream.onClose(() -> this.subscribers.remove(stream));
		return stream;
	}

	@Override
	public void broadcast(String data) {
		channel().publish(SseEvent.of(data));
	}

	@Override
	public int subscribers() {
		return this.subscribers.size();
	}

	private SseChannel channel() {
		return this.channels.channel("bench");
	}

	@Override
	public void sweep() {
		for (SseStream stream : this.subscribers) {
			try {
				stream.comment("");
			}
			catch (IllegalStateException ex) {
				// gone (SseStreamClosedException), or completed after its client had gone
			}
		}
	}

	/**
	 * One stream of {@code size}-byte events for {@code seconds}, from the plain producer
	 * loop that users write: its publishes wait while the stream's queue is full, so the
	 * loop runs at the client's pace. {@code flush}: one {@link SseStream#publish} per
	 * event. {@code burst}: batches of {@value #BATCH} events with
	 * {@link SseStream#publishAll}, queued before they are written, so the writer
	 * coalesces. {@code flux}: a {@code Flux.generate} source handed to
	 * {@link SseStreamFactory#from(Object)}, its demand set by the room in the stream's
	 * queue.
	 */
	@GetMapping("/stream")
	SseStream stream(@RequestParam(defaultValue = "64") int size, @RequestParam(defaultValue = "5") double seconds,
			@RequestParam(defaultValue = "flush") String mode) {
		if ("flux".equals(mode)) {
			return this.streams.from(generate(size, seconds));
		}
		boolean burst = "burst".equals(mode);
		return this.streams.create((stream) -> {
			long end = System.nanoTime() + (long) (seconds * 1e9);
			long now;
			while (stream.isOpen() && (now = System.nanoTime()) < end) {
				if (burst) {
					List<SseEvent> batch = new ArrayList<>(BATCH);
					for (int i = 0; i < BATCH; i++) {
						batch.add(SseEvent.of(Payload.data(now, 0, size)));
					}
					stream.publishAll(batch);
				}
				else {
					stream.publish(SseEvent.of(Payload.data(now, 0, size)));
				}
			}
		});
	}

	private static Flux<SseEvent> generate(int size, double seconds) {
		return Flux.defer(() -> {
			long end = System.nanoTime() + (long) (seconds * 1e9);
			return Flux.generate((sink) -> {
				long now = System.nanoTime();
				if (now >= end) {
					sink.complete();
				}
				else {
					sink.next(SseEvent.of(Payload.data(now, 0, size)));
				}
			});
		});
	}

}
