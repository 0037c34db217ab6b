package io.github.ssekit.sample;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Checks for the programs the end-to-end tests drive (Chromium, Node): a missing one
 * skips the test with its reason printed on the build's console, except under
 * {@code CI=true}, where it fails.
 *
 * @author ssekit
 */
final class ExternalTools {

	static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

	/**
	 * The forked test JVM's own standard error, which Surefire passes to the build's
	 * console (unlike {@code System.out}, which it redirects to a report file).
	 */
	private static final PrintStream CONSOLE = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
			StandardCharsets.UTF_8);

	private static final Set<String> reported = ConcurrentHashMap.newKeySet();

	static final Path CHROMIUM = Path.of(System.getProperty("sample.chromium", "/usr/bin/chromium"));

	private ExternalTools() {
	}

	static boolean chromiumPresent() {
		return Files.isExecutable(CHROMIUM);
	}

	static boolean nodePresent() {
		return nodeMajorVersion() >= 20 && runs("npm", "--version");
	}

	static void requireChromium() {
		require(chromiumPresent(), "Chromium not found at " + CHROMIUM
				+ " (install Debian's 'chromium' package, or set -Dsample.chromium=/path/to/chromium)");
	}

	static void requireNode() {
		require(nodePresent(),
				"Node 20 or later ('node' and 'npm' on the PATH) not found; the eventsource 4 package needs it");
	}

	/**
	 * Skip the calling test with the given reason, or fail it under {@code CI=true}.
	 * @param available whether what the test needs is there
	 * @param reason what is missing
	 */
	static void require(boolean available, String reason) {
		if (available) {
			return;
		}
		if (CI) {
			fail(reason + "; CI=true, so this is a failure, not a skip");
		}
		String message = reason + "; skipping (with CI=true this fails)";
		if (reported.add(message)) {
			CONSOLE.println("SKIPPED: " + message);
		}
		Assumptions.abort(message);
	}

	static boolean runs(String... command) {
		return output(command) != null;
	}

	/**
	 * Run a short command and return what it printed.
	 * @param command the command and its arguments
	 * @return the output, or {@code null} if the command is missing, fails or hangs
	 */
	static @Nullable String output(String... command) {
		Path output = null;
		try {
			output = Files.createTempFile("sample-tool-", ".out");
			Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return null;
			}
			return (process.exitValue() == 0) ? Files.readString(output, StandardCharsets.UTF_8).trim() : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		finally {
			deleteQuietly(output);
		}
	}

	private static void deleteQuietly(@Nullable Path file) {
		try {
			if (file != null) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// a leftover temporary file is harmless
		}
	}

	private static int nodeMajorVersion() {
		String version = output("node", "--version");
		Matcher matcher = (version != null) ? Pattern.compile("v(\\d+)\\.").matcher(version) : null;
		return (matcher != null && matcher.lookingAt()) ? Integer.parseInt(matcher.group(1)) : 0;
	}

}
