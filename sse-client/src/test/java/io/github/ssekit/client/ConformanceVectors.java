package io.github.ssekit.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared event-stream conformance vectors ({@code shared/conformance/vectors.json}).
 */
final class ConformanceVectors {

	static final String PROPERTY = "sse.conformance.vectors";

	private static final String RELATIVE_PATH = "shared/conformance/vectors.json";

	private ConformanceVectors() {
	}

	static List<Vector> load() {
		JsonNode root = JsonMapper.builder().build().readTree(locate().toFile());
		List<Vector> vectors = new ArrayList<>();
		for (JsonNode node : root.get("vectors")) {
			vectors.add(Vector.from(node));
		}
		if (vectors.isEmpty()) {
			throw new IllegalStateException("No vectors in " + locate());
		}
		return vectors;
	}

	static Path locate() {
		String override = System.getProperty(PROPERTY);
		if (override != null && !override.isBlank()) {
			Path path = Path.of(override);
			if (!Files.isRegularFile(path)) {
				throw new IllegalStateException("-D" + PROPERTY + "=" + override + " is not a file");
			}
			return path;
		}
		Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
		for (Path directory = start; directory != null; directory = directory.getParent()) {
			Path candidate = directory.resolve(RELATIVE_PATH);
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("Conformance vectors not found: no " + RELATIVE_PATH + " in " + start
				+ " or any of its parents; set -D" + PROPERTY + "=/path/to/vectors.json");
	}

	record Vector(String name, String input, @Nullable List<String> chunks, List<SseMessage> expected,
			@Nullable Long retry, @Nullable String lastEventIdOnReconnect) {

		static Vector from(JsonNode node) {
			return new Vector(node.get("name").asString(), node.get("input").asString(), chunks(node),
					expected(node), node.has("retry") ? node.get("retry").asLong() : null,
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
