package io.github.ssekit.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.stream.DefaultSseStream;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the channel integration tests run: one endpoint that subscribes the new
 * stream to a channel, resuming from the client's {@code Last-Event-ID}.
 *
 * @author ssekit
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ChannelTestApplication.ChannelController.class)
class ChannelTestApplication {

	@Bean
	Streams taggedStreams() {
		return new Streams();
	}

	/**
	 * Server-side streams by the tag the client gave, for the tests to inspect.
	 */
	static class Streams {

		final Map<String, DefaultSseStream> byTag = new ConcurrentHashMap<>();

	}

	@RestController
	static class ChannelController {

		private final SseStreamFactory streams;

		private final SseChannels channels;

		private final Streams tagged;

		ChannelController(SseStreamFactory streams, SseChannels channels, Streams tagged) {
			this.streams = streams;
			this.channels = channels;
			this.tagged = tagged;
		}

		@GetMapping("/channels/{name}")
		SseStream subscribe(@PathVariable String name, @LastEventId @Nullable String lastEventId,
				@RequestParam(required = false) @Nullable String tag) {
			SseStream stream = this.streams.create();
			if (tag != null) {
				this.tagged.byTag.put(tag, (DefaultSseStream) stream);
			}
			this.channels.channel(name).subscribe(stream, lastEventId);
			return stream;
		}

		@GetMapping("/channels")
		SseStream subscribeAll(@RequestParam List<String> name, @LastEventId @Nullable String lastEventId) {
			SseStream stream = this.streams.create();
			this.channels.subscribe(stream, lastEventId, name.toArray(String[]::new));
			return stream;
		}

	}

}
