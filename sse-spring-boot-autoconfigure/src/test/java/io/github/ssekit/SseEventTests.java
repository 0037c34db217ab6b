package io.github.ssekit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseEvent} and its wire format.
 *
 * @author ssekit
 */
class SseEventTests {

	@Test
	void fieldsAreWrittenInOrderIdEventRetryData() {
		SseEvent event = SseEvent.builder()
			.data("payload")
			.retry(Duration.ofMillis(1500))
			.event("update")
			.id("42")
			.build();
		assertThat(wire(event)).isEqualTo("id: 42\nevent: update\nretry: 1500\ndata: payload\n\n");
	}

	@Test
	void dataIsSplitAtCrLfAndCrlf() {
		assertThat(wire(SseEvent.of("a\nb\rc\r\nd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
	}

	@Test
	void trailingLineBreakGivesTrailingEmptyDataLine() {
		assertThat(wire(SseEvent.of("a\n"))).isEqualTo("data: a\ndata:\n\n");
	}

	@Test
	void emptyDataGivesOneDataLine() {
		assertThat(wire(SseEvent.of(""))).isEqualTo("data:\n\n");
	}

	@Test
	void leadingSpaceSurvives() {
		assertThat(wire(SseEvent.of(" x"))).isEqualTo("data:  x\n\n");
	}

	@Test
	void prettyPrintedJsonIsFramedLineByLine() {
		assertThat(wire(SseEvent.of("{\n  \"a\": 1\n}"))).isEqualTo("data: {\ndata:   \"a\": 1\ndata: }\n\n");
	}

	@Test
	void commentLinesArePrefixedWithColon() {
		SseEvent event = SseEvent.builder().comment("one\ntwo").data("x").build();
		assertThat(wire(event)).isEqualTo(": one\n: two\ndata: x\n\n");
	}

	@Test
	void retryIsWrittenInWholeMilliseconds() {
		assertThat(wire(SseEvent.builder().retry(Duration.ofNanos(2_500_999_999L)).build()))
			.isEqualTo("retry: 2500\n\n");
	}

	@Test
	void asciiAndNonAsciiEventsAreFramedAlike() {
		SseEvent.Builder builder = SseEvent.builder().comment("c\r\n").id("").event("e").retry(Duration.ofMillis(7));
		assertThat(wire(builder.data("a\r\rb\n").build()))
			.isEqualTo(": c\n:\nid:\nevent: e\nretry: 7\ndata: a\ndata:\ndata: b\ndata:\n\n");
		assertThat(wire(builder.data("ä\r\rb\n").build()))
			.isEqualTo(": c\n:\nid:\nevent: e\nretry: 7\ndata: ä\ndata:\ndata: b\ndata:\n\n");
		assertThat(wire(SseEvent.builder().event("é").data("x").build())).isEqualTo("event: é\ndata: x\n\n");
	}

	@Test
	void nonAsciiIsEncodedAsUtf8WithoutBom() {
		byte[] bytes = SseEvent.of("世界 👋").encoded();
		assertThat(bytes).startsWith("data: ".getBytes(StandardCharsets.US_ASCII));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("data: 世界 👋\n\n");
	}

	@Test
	void eventNameWithLineBreakIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().event("a\nb"))
			.withMessageContaining("'event'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("a\rb", "data"))
			.withMessageContaining("'event'");
	}

	@Test
	void idWithLineBreakOrNulIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().id("1\n2"))
			.withMessageContaining("'id'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().id("1\u00002"))
			.withMessageContaining("'id'")
			.withMessageContaining("NUL");
	}

	@Test
	void negativeRetryIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().retry(Duration.ofMillis(-1)))
			.withMessageContaining("'retry'");
	}

	@Test
	void eventWithoutFieldsIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().build());
	}

	@Test
	void encodedFormIsComputedOnce() {
		SseEvent event = SseEvent.of("x");
		assertThat(event.encoded()).isSameAs(event.encoded());
	}

	@Test
	void mutateKeepsFieldsAndAddsId() {
		SseEvent event = SseEvent.of("name", "data").mutate().id("7").build();
		assertThat(event.event()).isEqualTo("name");
		assertThat(event.data()).isEqualTo("data");
		assertThat(event.id()).isEqualTo("7");
	}

	@Test
	void withIdWritesTheSameBytesAsAnEventBuiltWithThatId() {
		List<SseEvent> events = List.of(SseEvent.of("x"), SseEvent.builder().id("7").data("a\nb\r\nc").build(),
				SseEvent.builder().comment("note\nmore").id("1-2").event("tick").retry(Duration.ofSeconds(3)).build(),
				SseEvent.builder().comment("only").build(), SseEvent.builder().id("").data("é😀").build(),
				SseEvent.builder().id("old").event("e").build());
		for (SseEvent event : events) {
			for (String id : Arrays.asList("c1.2.3_4.5.6", "", "ü", null)) {
				SseEvent expected = event.mutate().id(id).build();
				SseEvent changed = event.withId(id);
				assertThat(wire(changed)).as("%s with id %s", event, id).isEqualTo(wire(expected));
				assertThat(changed).isEqualTo(expected);
			}
		}
	}

	@Test
	void withIdRejectsALineBreakNamingTheField() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("x").withId("a\nb"))
			.withMessageContaining("'id'");
	}

	private static String wire(SseEvent event) {
		return new String(event.encoded(), StandardCharsets.UTF_8);
	}

}
