package io.github.ssekit.bench.servlet;

import io.github.ssekit.bench.RatePublisher;

import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Control endpoints driven by the benchmark runner: start a rate-driven broadcast, read
 * its status, read the server's statistics (optionally after a GC) and sweep dead
 * subscribers.
 */
@RestController
@RequestMapping("/control")
class ControlController {

	private final Broadcaster broadcaster;

	private final RatePublisher publisher;

	ControlController(Broadcaster broadcaster, SimpleAsyncTaskExecutorBuilder executorBuilder) {
		this.broadcaster = broadcaster;
		this.publisher = new RatePublisher(executorBuilder.threadNamePrefix("bench-publisher-").build());
	}

	@PostMapping("/publish")
	String publish(@RequestParam double rate, @RequestParam double seconds, @RequestParam int step,
			@RequestParam(defaultValue = "64") int size) {
		return "started=" + this.publisher.start(rate, seconds, step, size, this.broadcaster) + "\n";
	}

	@GetMapping("/status")
	String status() {
		return this.publisher.status();
	}

	@GetMapping("/stats")
	String stats(@RequestParam(defaultValue = "false") boolean gc) {
		return RatePublisher.stats(this.broadcaster.subscribers(), gc);
	}

	@PostMapping("/send-buffer")
	String sendBuffer(@RequestParam int bytes) {
		ConnectorConfiguration.setSendBuffer(bytes);
		return "sendBuffer=" + bytes + "\n";
	}

	@PostMapping("/sweep")
	String sweep() {
		this.broadcaster.sweep();
		return "subscribers=" + this.broadcaster.subscribers() + "\n";
	}

}
