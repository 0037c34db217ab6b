package io.github.ssekit.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's streams read by Node's {@code eventsource} package (4.x), an
 * {@code EventSource} no one here wrote: installed from npm into {@code target/node},
 * driven by {@code src/test/node/eventsource-check.mjs}.
 *
 * @author ssekit
 */
@LiveSampleTest
class NodeEventSourceTests {

	private static final Path NODE_DIRECTORY = Path.of("target", "node");

	private static final Path SCRIPT = NODE_DIRECTORY.resolve("eventsource-check.mjs");

	@LocalServerPort
	int port;

	@Autowired
	LastEventIdRecorder recorder;

	private static @Nullable Result install;

	@BeforeAll
	static void installEventSource() throws IOException, InterruptedException {
		if (!ExternalTools.nodePresent()) {
			return;
		}
		Files.createDirectories(NODE_DIRECTORY);
		Files.copy(Path.of("src", "test", "node", "eventsource-check.mjs"), SCRIPT,
				StandardCopyOption.REPLACE_EXISTING);
		install = Files.exists(NODE_DIRECTORY.resolve("node_modules/eventsource/package.json")) ? new Result(0, "")
				: run(180, "npm", "install", "--prefix", NODE_DIRECTORY.toString(), "--no-audit", "--no-fund",
						"--no-package-lock", "--cache", NODE_DIRECTORY.resolve("npm-cache").toString(),
						"eventsource@4");
	}

	@BeforeEach
	void requireEventSource() {
		ExternalTools.requireNode();
		ExternalTools.require(install != null && install.exitCode() == 0,
				"'npm install eventsource@4' failed (is the npm registry reachable?): "
						+ ((install != null) ? install.output() : ""));
		this.recorder.clear();
	}

	@Test
	void eventSourcePackageReadsEventsInOrderExactlyAndResumesAfterDrops() throws Exception {
		Result result = run(60, "node", SCRIPT.toString(), "http://localhost:" + this.port, "3");
		assertThat(result.exitCode()).as("node exit code, output: %s", result.output()).isZero();
		String json = result.output().lines().filter((line) -> line.startsWith("{")).reduce((a, b) -> b).orElseThrow();
		Report report = JsonMapper.builder().build().readValue(json, Report.class);

		List<Long> ids = new ArrayList<>();
		for (CounterEvent event : report.counter().events()) {
			assertThat(event.data()).as("data equals id").isEqualTo(event.id());
			ids.add(Long.parseLong(event.id()));
		}
		assertThat(ids).as("counter ids, across 3 drops")
			.containsExactlyElementsOf(LongStream.rangeClosed(1, ids.size()).boxed().toList());
		assertThat(report.counter().drops()).isEqualTo(3);
		assertThat(report.counter().opens()).as("connections: first plus one per drop").isEqualTo(4);
		List<String> resumedAfter = this.recorder.lastEventIds("/counter");
		assertThat(resumedAfter).as("Last-Event-ID headers the server received").hasSize(3);
		assertThat(resumedAfter).allSatisfy((id) -> assertThat(ids).contains(Long.parseLong(id)));

		assertThat(report.greetings().named()).startsWith(GreetingController.GREETINGS.toArray(String[]::new));
		assertThat(report.greetings().unnamed()).allSatisfy((data) -> assertThat(data).startsWith("unnamed message "));
		assertThat(report.greetings().named()).noneSatisfy((data) -> assertThat(data).contains("unnamed"));
	}

	private static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
		Path output = Files.createTempFile("sample-node-", ".log");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				return new Result(-1, "timed out after " + timeoutSeconds + " s: "
						+ Files.readString(output, StandardCharsets.UTF_8));
			}
			return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	record Result(int exitCode, String output) {
	}

	record Report(Counter counter, Greetings greetings) {
	}

	record Counter(List<CounterEvent> events, int opens, int errors, int drops) {
	}

	record CounterEvent(String id, String data) {
	}

	record Greetings(List<String> named, List<String> unnamed) {
	}

}
