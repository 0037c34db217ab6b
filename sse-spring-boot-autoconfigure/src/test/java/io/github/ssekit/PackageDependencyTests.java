package io.github.ssekit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the direction of the packages' dependencies: the API, then the stream engine,
 * then web and channels (which never use each other), then Redis, metrics and the
 * Actuator endpoint, then the auto-configuration. A package names only packages of a
 * lower layer, in imports, fully qualified names and javadoc alike.
 *
 * @author ssekit
 */
class PackageDependencyTests {

	private static final Path SOURCES = Path.of("src/main/java/io/github/ssekit");

	private static final Map<String, Integer> LAYERS = Map.of("", 0, "stream", 1, "web", 2, "channel", 2, "redis", 3,
			"metrics", 3, "actuate", 3, "autoconfigure", 4);

	private static final Pattern REFERENCE = Pattern.compile("io\\.github\\.ssekit\\.([a-z]+)\\.[A-Z]");

	@Test
	void everyMainPackageHasALayer() throws IOException {
		try (Stream<Path> directories = Files.list(SOURCES)) {
			assertThat(directories.filter(Files::isDirectory).map((directory) -> directory.getFileName().toString()))
				.allSatisfy((name) -> assertThat(LAYERS).containsKey(name));
		}
	}

	@Test
	void packagesNameOnlyPackagesOfLowerLayers() throws IOException {
		List<String> violations = new ArrayList<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				String from = packageOf(file);
				Matcher references = REFERENCE.matcher(Files.readString(file, StandardCharsets.UTF_8));
				while (references.find()) {
					String to = references.group(1);
					if (!to.equals(from) && LAYERS.getOrDefault(to, 0) >= LAYERS.get(from)) {
						violations.add(SOURCES.relativize(file) + " -> " + to);
					}
				}
			}
		}
		assertThat(violations).as("references to a package of the same or a higher layer").isEmpty();
	}

	private static String packageOf(Path file) {
		Path relative = SOURCES.relativize(file.getParent());
		return relative.toString().isEmpty() ? "" : relative.getName(0).toString();
	}

}
