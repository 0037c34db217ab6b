package io.github.ssekit.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

import org.springframework.util.FileSystemUtils;

/**
 * Headless Debian Chromium ({@link ExternalTools#CHROMIUM}) driven by Playwright, with a
 * home folder of its own that is deleted on close. Shared by the browser test classes.
 *
 * @author ssekit
 */
final class ChromiumSession implements AutoCloseable {

	private final Path home;

	private final Playwright playwright;

	private final Browser browser;

	private ChromiumSession(Path home) {
		this.home = home;
		this.playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
					"PLAYWRIGHT_BROWSERS_PATH", home.resolve("ms-playwright").toString())));
		this.browser = this.playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(ExternalTools.CHROMIUM)
				.setHeadless(true)
				.setArgs(arguments())
				.setEnv(environment(home))
				.setTimeout(60_000));
	}

	/**
	 * Launch Chromium if it is installed.
	 * @return the session, or {@code null} when Chromium is missing (each test then calls
	 * {@link ExternalTools#requireChromium()} to skip or fail)
	 * @throws IOException if the home folder cannot be made
	 */
	static ChromiumSession launchIfPresent() throws IOException {
		return ExternalTools.chromiumPresent() ? new ChromiumSession(Files.createTempDirectory("sample-chromium-"))
				: null;
	}

	Browser browser() {
		return this.browser;
	}

	private static List<String> arguments() {
		List<String> arguments = new ArrayList<>(List.of("--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync"));
		if ("root".equals(System.getProperty("user.name"))) {
			arguments.add(0, "--no-sandbox");
		}
		return arguments;
	}

	private static Map<String, String> environment(Path home) {
		Map<String, String> environment = new HashMap<>(System.getenv());
		environment.put("HOME", home.toString());
		environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
		environment.put("XDG_CACHE_HOME", home.resolve("cache").toString());
		return environment;
	}

	@Override
	public void close() throws IOException {
		this.browser.close();
		this.playwright.close();
		FileSystemUtils.deleteRecursively(this.home);
	}

}
