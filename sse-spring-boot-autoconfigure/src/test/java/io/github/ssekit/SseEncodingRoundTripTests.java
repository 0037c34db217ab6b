package io.github.ssekit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round-trips the encoder through a parser written from the WHATWG standard: whatever an
 * application publishes, a conforming client reads back the same type, id and data.
 *
 * @author ssekit
 */
class SseEncodingRoundTripTests {

	private static final String[] ALPHABET = { "a", "Z", " ", "  ", ":", "\r", "\n", "\r\n", "\u0000", "\uFEFF", "é",
			"世", "😀", "𝄞", "data: x", "id", "\t" };

	@TestFactory
	Stream<DynamicTest> everyConformanceVectorRoundTrips() {
		return vectors().flatMap((vector) -> {
			List<DynamicTest> tests = new ArrayList<>();
			int index = 0;
			for (JsonNode expected : vector.get("expected")) {
				String name = vector.get("name").asString() + " #" + index++;
				tests.add(DynamicTest.dynamicTest(name, () -> assertRoundTrip(expected.get("type").asString(),
						expected.get("data").asString(), expected.get("lastEventId").asString())));
			}
			return tests.stream();
		});
	}

	@Test
	void randomEventsRoundTrip() {
		Random random = new Random(20261201L);
		for (int i = 0; i < 2000; i++) {
			String data = randomText(random, false);
			String type = random.nextBoolean() ? "message" : "t" + randomText(random, true).replace(':', '_');
			String id = random.nextInt(4) == 0 ? "" : randomText(random, true).replace("\u0000", "");
			assertRoundTrip(type, data, id);
		}
	}

	@Test
	void manyEventsInOneStreamRoundTripByteByByte() {
		Random random = new Random(7L);
		List<SseEvent> events = new ArrayList<>();
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		for (int i = 0; i < 200; i++) {
			SseEvent event = SseEvent.builder()
				.event("e" + i)
				.id(Integer.toString(i))
				.data(randomText(random, false))
				.build();
			events.add(event);
			stream.writeBytes(event.encoded());
		}
		List<SseMessage> received = new ArrayList<>();
		SseParser parser = new SseParser(received::add);
		byte[] bytes = stream.toByteArray();
		for (int i = 0; i < bytes.length; i++) {
			parser.feed(bytes, i, 1);
		}
		assertThat(received).hasSize(events.size());
		for (int i = 0; i < events.size(); i++) {
			assertThat(received.get(i).type()).isEqualTo(events.get(i).event());
			assertThat(received.get(i).lastEventId()).isEqualTo(events.get(i).id());
			assertThat(received.get(i).data()).isEqualTo(normalize(events.get(i).data()));
		}
	}

	private static void assertRoundTrip(String type, String data, String id) {
		SseEvent event = SseEvent.builder()
			.event(type.equals("message") && id.isEmpty() ? null : type)
			.id(id)
			.data(data)
			.build();
		List<SseMessage> messages = SseParser.parse(event.encoded());
		assertThat(messages).as("events parsed from %s", event).hasSize(1);
		SseMessage message = messages.get(0);
		assertThat(message.type()).isEqualTo(type.isEmpty() ? "message" : type);
		assertThat(message.data()).isEqualTo(normalize(data));
		assertThat(message.lastEventId()).isEqualTo(id);
	}

	private static String normalize(String data) {
		return data.replace("\r\n", "\n").replace('\r', '\n');
	}

	private static String randomText(Random random, boolean singleLine) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(12);
		for (int i = 0; i < length; i++) {
			String piece = ALPHABET[random.nextInt(ALPHABET.length)];
			if (!singleLine || (piece.indexOf('\r') < 0 && piece.indexOf('\n') < 0)) {
				text.append(piece);
			}
		}
		return text.toString();
	}

	private static Stream<JsonNode> vectors() {
		JsonNode root;
		try (InputStream input = SseEncodingRoundTripTests.class.getClassLoader()
			.getResourceAsStream("conformance/vectors.json")) {
			assertThat(input).as("conformance/vectors.json on the test classpath").isNotNull();
			root = JsonMapper.builder().build().readTree(input);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<JsonNode> vectors = new ArrayList<>();
		root.get("vectors").forEach(vectors::add);
		assertThat(vectors).isNotEmpty();
		return vectors.stream();
	}

}
