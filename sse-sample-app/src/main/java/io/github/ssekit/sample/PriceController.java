package io.github.ssekit.sample;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.channel.SseChannels;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The stock-price example of hertz-contrib/sse, with the same path: {@code GET /price}
 * streams the prices the shared {@link PriceTicker} publishes, one event per symbol,
 * resuming from the client's {@code Last-Event-ID}.
 *
 * @author ssekit
 */
@RestController
class PriceController {

	private final SseStreamFactory streams;

	private final SseChannels channels;

	PriceController(SseStreamFactory streams, SseChannels channels) {
		this.streams = streams;
		this.channels = channels;
	}

	@GetMapping("/price")
	SseStream prices(@LastEventId @Nullable String lastEventId) {
		SseStream stream = this.streams.create();
		this.channels.channel(PriceTicker.CHANNEL).subscribe(stream, lastEventId);
		return stream;
	}

}
