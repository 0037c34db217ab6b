package io.github.ssekit.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's streams read over a plain socket, byte for byte, against the standard:
 * status line, headers, framing, event bytes and the heartbeat comment.
 *
 * @author ssekit
 */
@LiveSampleTest
class RawStreamTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String HEARTBEAT = ":\n\n";

	private static final Pattern HEARTBEATS_AT_BLOCK_STARTS = Pattern.compile("(?<=^|\n\n)(:\n\n)+");

	@LocalServerPort
	int port;

	@Autowired
	QuietStreamController quietStreams;

	@Test
	void greetingsStreamHasStandardHeadersAndExactEventBytes() throws IOException {
		try (RawHttpStream response = RawHttpStream.get(this.port, "/greetings", Map.of("Accept-Encoding", "gzip"),
				TIMEOUT)) {
			assertStreamHead(response);
			String expected = "retry: 1000\n\n"
					+ "event: greeting\ndata: Hello, world! 👋\ndata: こんにちは、世界 🌏\ndata: 你好，世界\n\n"
					+ "data: unnamed message 1\n\n"
					+ "event: greeting\ndata:   Two leading spaces stay,\ndata:\ndata: and so does the empty line above ✨\n"
					+ "data: 안녕하세요 🇰🇷\n\n" + "data: unnamed message 2\n\n";
			String body = readEvents(response, expected.length());
			assertThat(withoutHeartbeats(body)).isEqualTo(expected);
			assertThat(new String(response.bodyBytes(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
				.as("valid UTF-8 without BOM")
				.isEqualTo(response.bodyBytes());
			assertThat(response.bodyBytes()[0]).isEqualTo((byte) 'r');
		}
	}

	@Test
	void headersArriveBeforeTheFirstEventAndIdleStreamsGetHeartbeatComments() throws Exception {
		try (RawHttpStream response = RawHttpStream.get(this.port, "/test/quiet", Map.of(), TIMEOUT)) {
			SseStream stream = this.quietStreams.opened().poll(10, TimeUnit.SECONDS);
			assertThat(stream).isNotNull();
			assertStreamHead(response);
			String idle = response.readUntil((text) -> text.endsWith(HEARTBEAT + HEARTBEAT));
			assertThat(idle).as("only the configured retry, then heartbeats").matches("retry: 1000\n\n(:\n\n)+");
			stream.publish(SseEvent.builder().id("7").event("note").data("first line\nsecond line").build());
			String expected = "id: 7\nevent: note\ndata: first line\ndata: second line\n\n";
			String body = response.readUntil((text) -> withoutHeartbeats(text).endsWith(expected));
			assertThat(withoutHeartbeats(body)).isEqualTo("retry: 1000\n\n" + expected);
			stream.close();
			assertThat(withoutHeartbeats(response.readToEnd())).isEqualTo("retry: 1000\n\n" + expected);
			assertThat(response.ended()).isTrue();
		}
	}

	@Test
	void counterResumesAfterTheLastEventIdItReceives() throws IOException {
		try (RawHttpStream response = RawHttpStream.get(this.port, "/counter", Map.of("Last-Event-ID", "41"),
				TIMEOUT)) {
			assertStreamHead(response);
			String expected = "retry: 1000\n\nretry: 500\n\nid: 42\ndata: 42\n\nid: 43\ndata: 43\n\n";
			String body = readEvents(response, expected.length());
			assertThat(withoutHeartbeats(body)).isEqualTo(expected);
		}
	}

	@Test
	void badLastEventIdIsAnsweredWithProblemDetail() throws IOException {
		for (String bad : new String[] { "forty-one", "-1" }) {
			try (RawHttpStream response = RawHttpStream.get(this.port, "/counter", Map.of("Last-Event-ID", bad),
					TIMEOUT)) {
				assertThat(response.statusLine()).as(bad).startsWith("HTTP/1.1 400");
				assertThat(response.header("Content-Type")).as(bad)
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				String body = response.readUntil((text) -> text.endsWith("}"));
				assertThat(body).contains("\"status\":400").contains("Last-Event-ID").doesNotContain(bad);
			}
		}
	}

	private static void assertStreamHead(RawHttpStream response) {
		assertThat(response.statusLine()).matches("HTTP/1\\.1 200( .*)?");
		assertThat(response.header("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).matches("text/event-stream(;\\s*charset=(?i)utf-8)?"));
		assertThat(response.header("Cache-Control")).hasValue("no-cache");
		assertThat(response.header("X-Accel-Buffering")).hasValue("no");
		assertThat(response.header("Content-Length")).isEmpty();
		assertThat(response.header("Content-Encoding")).isEmpty();
		boolean closeDelimited = response.header("Connection")
			.map((value) -> value.equalsIgnoreCase("close"))
			.orElse(false);
		assertThat(response.chunked() || closeDelimited).as("chunked or close-delimited: %s", response.headerLines())
			.isTrue();
	}

	private static String readEvents(RawHttpStream response, int length) throws IOException {
		return response.readUntil((text) -> text.endsWith("\n\n") && withoutHeartbeats(text).length() >= length);
	}

	private static String withoutHeartbeats(String body) {
		return HEARTBEATS_AT_BLOCK_STARTS.matcher(body).replaceAll("");
	}

}
