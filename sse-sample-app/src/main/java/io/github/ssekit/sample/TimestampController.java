package io.github.ssekit.sample;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import io.github.ssekit.LastEventId;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The seed example: a {@code timestamp} event with an RFC 3339 timestamp every second.
 *
 * @author ssekit
 */
@RestController
class TimestampController {

	private static final Log logger = LogFactory.getLog(TimestampController.class);

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX");

	private final SseStreamFactory streams;

	TimestampController(SseStreamFactory streams) {
		this.streams = streams;
	}

	@GetMapping("/sse")
	SseStream timestamps(@LastEventId @Nullable String lastEventId) {
		if (logger.isDebugEnabled()) {
			// never the value itself: a client's header must not write the application's
			// log
			logger.debug("/sse opened" + ((lastEventId != null)
					? " with a Last-Event-ID of " + lastEventId.length() + " characters" : " without a Last-Event-ID"));
		}
		return this.streams.create((stream) -> {
			while (stream.isOpen()) {
				String now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS).format(TIMESTAMP);
				stream.publish("timestamp", now);
				Thread.sleep(1000);
			}
		});
	}

}
