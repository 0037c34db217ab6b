package io.github.ssekit.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event-stream conformance vectors, read from the test classpath
 * ({@code conformance/vectors.json} in this module's test resources; see the README there
 * for their sources and licences).
 */
final class ConformanceVectors {

	static final String RESOURCE = "conformance/vectors.json";

	private ConformanceVectors() {
	}

	static List<Vector> load() {
		List<Vector> vectors = new ArrayList<>();
		for (JsonNode node : read().get("vectors")) {
			vectors.add(Vector.from(node));
		}
		if (vectors.isEmpty()) {
			throw new IllegalStateException("No vectors in " + RESOURCE);
		}
		return vectors;
	}

	private static JsonNode read() {
		try (InputStream input = ConformanceVectors.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (input == null) {
				throw new IllegalStateException("Conformance vectors not found: no " + RESOURCE + " on the classpath");
			}
			return JsonMapper.builder().build().readTree(input);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Vector(String name, String input, @Nullable List<String> chunks, List<SseMessage> expected,
			@Nullable Long retry, @Nullable String lastEventIdOnReconnect) {

		static Vector from(JsonNode node) {
			return new Vector(node.get("name").asString(), node.get("input").asString(), chunks(node), expected(node),
					node.has("retry") ? node.get("retry").asLong() : null,
					node.has("lastEventIdOnReconnect") ? node.get("lastEventIdOnReconnect").asString() : null);
		}

		private static @Nullable List<String> chunks(JsonNode node) {
			if (!node.has("chunks")) {
				return null;
			}
			List<String> chunks = new ArrayList<>();
			node.get("chunks").forEach((chunk) -> chunks.add(chunk.asString()));
			return chunks;
		}

		private static List<SseMessage> expected(JsonNode node) {
			List<SseMessage> events = new ArrayList<>();
			for (JsonNode event : node.get("expected")) {
				events.add(new SseMessage(event.get("type").asString(), event.get("data").asString(),
						event.get("lastEventId").asString()));
			}
			return events;
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
