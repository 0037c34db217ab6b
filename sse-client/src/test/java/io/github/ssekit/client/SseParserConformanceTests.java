package io.github.ssekit.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import io.github.ssekit.client.ConformanceVectors.Vector;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every shared conformance vector through {@link SseParser}, fed in several ways.
 */
class SseParserConformanceTests {

	@TestFactory
	Stream<DynamicNode> everyVectorIsParsedAsTheStandardSays() {
		return ConformanceVectors.load().stream().map(SseParserConformanceTests::container);
	}

	private static DynamicContainer container(Vector vector) {
		List<DynamicTest> tests = new ArrayList<>();
		tests.add(test(vector, "fed whole", SseParserConformanceTests::feedWhole));
		if (vector.chunks() != null) {
			tests.add(test(vector, "fed in its chunks", SseParserConformanceTests::feedChunks));
		}
		tests.add(test(vector, "fed one character at a time", SseParserConformanceTests::feedCharacters));
		tests.add(test(vector, "fed one byte at a time", SseParserConformanceTests::feedBytes));
		tests.add(DynamicTest.dynamicTest("fed in two pieces split at every byte",
				() -> assertEverySplitConforms(vector)));
		return DynamicContainer.dynamicContainer(vector.name(), tests);
	}

	private static DynamicTest test(Vector vector, String name, BiConsumer<Vector, SseParser> feeder) {
		return DynamicTest.dynamicTest(name, () -> assertConforms(vector, feeder));
	}

	private static void assertConforms(Vector vector, BiConsumer<Vector, SseParser> feeder) {
		List<SseMessage> events = new ArrayList<>();
		List<Long> retries = new ArrayList<>();
		SseParser parser = new SseParser(new SseParser.Listener() {

			@Override
			public void onEvent(SseMessage event) {
				events.add(event);
			}

			@Override
			public void onRetry(long milliseconds) {
				retries.add(milliseconds);
			}

		});
		feeder.accept(vector, parser);
		parser.end();
		assertThat(events).as("events").containsExactlyElementsOf(vector.expected());
		assertThat(parser.retry()).as("retry").isEqualTo(vector.retry());
		if (vector.retry() != null) {
			assertThat(retries).as("onRetry calls").last().isEqualTo(vector.retry());
		}
		if (vector.lastEventIdOnReconnect() != null) {
			assertThat(parser.lastEventId()).as("lastEventId on reconnect").isEqualTo(vector.lastEventIdOnReconnect());
		}
	}

	private static void assertEverySplitConforms(Vector vector) {
		byte[] bytes = utf8(vector.input());
		for (int split = 0; split <= bytes.length; split++) {
			int at = split;
			assertThat(parse(bytes, at)).as("split at byte %d", at).containsExactlyElementsOf(vector.expected());
		}
	}

	private static List<SseMessage> parse(byte[] bytes, int split) {
		List<SseMessage> events = new ArrayList<>();
		SseParser parser = new SseParser(events::add);
		parser.feed(bytes, 0, split);
		parser.feed(bytes, split, bytes.length - split);
		parser.end();
		return events;
	}

	private static void feedWhole(Vector vector, SseParser parser) {
		byte[] bytes = utf8(vector.input());
		parser.feed(bytes, 0, bytes.length);
	}

	private static void feedChunks(Vector vector, SseParser parser) {
		List<String> chunks = vector.chunks();
		assertThat(String.join("", chunks)).as("chunks joined").isEqualTo(vector.input());
		chunks.forEach((chunk) -> feed(parser, chunk));
	}

	private static void feedCharacters(Vector vector, SseParser parser) {
		vector.input().codePoints().forEach((codePoint) -> feed(parser, Character.toString(codePoint)));
	}

	private static void feedBytes(Vector vector, SseParser parser) {
		byte[] bytes = utf8(vector.input());
		for (int i = 0; i < bytes.length; i++) {
			parser.feed(bytes, i, 1);
		}
	}

	private static void feed(SseParser parser, String text) {
		byte[] bytes = utf8(text);
		parser.feed(bytes, 0, bytes.length);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
