package io.github.ssekit.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SseParser} beyond the shared conformance vectors.
 */
class SseParserTests {

	private final List<SseMessage> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final List<Long> retries = new ArrayList<>();

	private final SseParser.Listener listener = new SseParser.Listener() {

		@Override
		public void onEvent(SseMessage event) {
			SseParserTests.this.events.add(event);
		}

		@Override
		public void onComment(String comment) {
			SseParserTests.this.comments.add(comment);
		}

		@Override
		public void onRetry(long milliseconds) {
			SseParserTests.this.retries.add(milliseconds);
		}

	};

	private final SseParser parser = new SseParser(this.listener);

	@Test
	void crAtEndOfOneFeedAndLfAtStartOfNextIsOneLineEnd() {
		feed("data: a\r");
		feed("\ndata: b\r");
		feed("\n\r");
		feed("\n");
		assertThat(this.events).containsExactly(SseMessage.of("a\nb"));
	}

	@Test
	void crAloneEndsALineWhenTheNextFeedStartsWithOtherText() {
		feed("data: a\r");
		feed("data: b\r");
		feed("\r");
		assertThat(this.events).containsExactly(SseMessage.of("a\nb"));
	}

	@Test
	void multiByteCharacterSplitAcrossFeedsIsDecoded() {
		byte[] bytes = "data: h\u00e9 \u20ac \uD83D\uDE00\n\n".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < bytes.length; i++) {
			this.parser.feed(bytes, i, 1);
		}
		assertThat(this.events).containsExactly(SseMessage.of("h\u00e9 \u20ac \uD83D\uDE00"));
	}

	@Test
	void invalidUtf8BecomesReplacementCharacter() {
		feed(new byte[] { 'd', 'a', 't', 'a', ':', (byte) 0xC3, '\n', 'd', 'a', 't', 'a', ':', (byte) 0xFF, 'x', '\n',
				'\n' });
		assertThat(this.events).containsExactly(SseMessage.of("\uFFFD\n\uFFFDx"));
	}

	@Test
	void byteOrderMarkSplitAcrossFeedsIsStripped() {
		feed(new byte[] { (byte) 0xEF });
		feed(new byte[] { (byte) 0xBB });
		feed(new byte[] { (byte) 0xBF, 'd', 'a', 't', 'a', ':', '1', '\n', '\n' });
		assertThat(this.events).containsExactly(SseMessage.of("1"));
	}

	@Test
	void byteOrderMarkAfterABlankFirstLineIsNotStripped() {
		feed("\n\uFEFFdata:1\n\ndata:2\n\n");
		assertThat(this.events).containsExactly(SseMessage.of("2"));
	}

	@Test
	void commentsAreReportedWithTheTextAfterTheColon() {
		feed(":\n: ping\n:x:y\n\n");
		assertThat(this.comments).containsExactly("", " ping", "x:y");
		assertThat(this.events).isEmpty();
	}

	@Test
	void retryIsReportedAndClampedWhenHuge() {
		feed("retry: 250\nretry: 99999999999999999999999\n");
		assertThat(this.retries).containsExactly(250L, Long.MAX_VALUE);
		assertThat(this.parser.retry()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void retryIsNullUntilAValidFieldIsSeen() {
		feed("retry: 1s\nretry:\n\n");
		assertThat(this.parser.retry()).isNull();
		assertThat(this.retries).isEmpty();
	}

	@Test
	void idPersistsAcrossEventsAndStreams() {
		feed("id: 7\ndata: a\n\n");
		this.parser.end();
		feed("data: b\n\n");
		assertThat(this.events).containsExactly(new SseMessage("message", "a", "7"),
				new SseMessage("message", "b", "7"));
	}

	@Test
	void idOfAnIncompleteEventIsDiscardedAtEnd() {
		feed("id: 1\ndata: a\n\nid: 2\ndata: partial\n");
		this.parser.end();
		feed("data: b\n\n");
		assertThat(this.parser.lastEventId()).isEqualTo("1");
		assertThat(this.events).extracting(SseMessage::data).containsExactly("a", "b");
		assertThat(this.events).extracting(SseMessage::lastEventId).containsExactly("1", "1");
	}

	@Test
	void endDiscardsThePartialEventAndTheNextStreamMayStartWithAByteOrderMark() {
		feed("event: x\ndata: partial");
		this.parser.end();
		feed("\uFEFFdata: next\n\n");
		assertThat(this.events).containsExactly(SseMessage.of("next"));
	}

	@Test
	void initialLastEventIdComesFromTheBuilder() {
		SseParser resumed = SseParser.builder(this.listener).lastEventId("41").build();
		feed(resumed, "data: a\n\n");
		assertThat(resumed.lastEventId()).isEqualTo("41");
		assertThat(this.events).containsExactly(new SseMessage("message", "a", "41"));
	}

	@Test
	void eventOfExactlyTheMaximumSizeIsAccepted() {
		SseParser small = SseParser.builder(this.listener).maxEventSize(19).build();
		feed(small, "data:0123456789\nid:1\n\n");
		assertThat(this.events).containsExactly(new SseMessage("message", "0123456789", "1"));
	}

	@Test
	void eventLargerThanTheMaximumSizeIsRejected() {
		SseParser small = SseParser.builder(this.listener).maxEventSize(16).build();
		assertThatExceptionOfType(SseEventTooLargeException.class)
			.isThrownBy(() -> feed(small, "data:0123456789\ndata:x\n\n"))
			.withMessageContaining("16 bytes")
			.satisfies((ex) -> assertThat(ex.maxEventSize()).isEqualTo(16));
		assertThat(this.events).isEmpty();
	}

	@Test
	void commentLongerThanTheMaximumSizeIsRejected() {
		SseParser small = SseParser.builder(this.listener).maxEventSize(16).build();
		assertThatExceptionOfType(SseEventTooLargeException.class)
			.isThrownBy(() -> feed(small, ": 0123456789abcdef\n"));
	}

	@Test
	void singleLineLongerThanTheMaximumSizeIsRejectedWhileItIsStillArriving() {
		SseParser small = SseParser.builder(this.listener).maxEventSize(1024).build();
		byte[] chunk = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(SseEventTooLargeException.class).isThrownBy(() -> {
			for (int i = 0; i < 11; i++) {
				small.feed(chunk, 0, chunk.length);
			}
		});
	}

	@Test
	void manySmallEventsNeverExceedTheMaximumSize() {
		SseParser small = SseParser.builder(this.listener).maxEventSize(16).build();
		for (int i = 0; i < 1000; i++) {
			feed(small, "data: 12345\n: comment line\n\n");
		}
		assertThat(this.events).hasSize(1000);
	}

	@Test
	void heapAndDirectByteBuffersAreConsumed() {
		ByteBuffer heap = ByteBuffer.wrap("xxdata: a\n\n".getBytes(StandardCharsets.UTF_8));
		heap.position(2);
		this.parser.feed(heap.slice());
		byte[] bytes = "data: b\n\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
		ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
		this.parser.feed(direct);
		assertThat(direct.hasRemaining()).isFalse();
		assertThat(this.events).hasSize(2001).first().isEqualTo(SseMessage.of("a"));
	}

	@Test
	void listenerExceptionPropagatesAfterTheEventIsDispatched() {
		List<SseMessage> seen = new ArrayList<>();
		SseParser failing = new SseParser((event) -> {
			seen.add(event);
			if (seen.size() == 1) {
				throw new IllegalStateException("boom");
			}
		});
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> feed(failing, "data: a\n\n"));
		feed(failing, "data: b\n\n");
		assertThat(seen).extracting(SseMessage::data).containsExactly("a", "b");
	}

	@Test
	void parseReturnsTheDispatchedEvents() {
		assertThat(SseParser.parse("event: add\ndata: 1\n\ndata: 2\n\ndata: partial"))
			.containsExactly(new SseMessage("add", "1", ""), SseMessage.of("2"));
	}

	private void feed(String text) {
		feed(this.parser, text);
	}

	private void feed(byte[] bytes) {
		this.parser.feed(bytes, 0, bytes.length);
	}

	private static void feed(SseParser parser, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		parser.feed(bytes, 0, bytes.length);
	}

}
