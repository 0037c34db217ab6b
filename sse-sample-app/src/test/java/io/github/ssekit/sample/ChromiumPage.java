package io.github.ssekit.sample;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh Chromium page for every test, in a browser context of its own (no cookies
 * shared between tests), from one {@link ChromiumSession} per test class. Register it as
 * a static field with {@code @RegisterExtension}; a test without Chromium is skipped, or
 * fails under {@code CI=true} ({@link ExternalTools#requireChromium()}).
 *
 * @author ssekit
 */
final class ChromiumPage implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private static final double TIMEOUT = 20_000;

	private final int width;

	private final int height;

	private ChromiumSession session;

	private BrowserContext context;

	private Page page;

	/**
	 * Pages of Playwright's default size.
	 */
	ChromiumPage() {
		this(1280, 720);
	}

	/**
	 * Pages of the given viewport size.
	 * @param width the viewport's width
	 * @param height the viewport's height
	 */
	ChromiumPage(int width, int height) {
		this.width = width;
		this.height = height;
	}

	/**
	 * Return the current test's page.
	 * @return the page
	 */
	Page page() {
		return this.page;
	}

	@Override
	public void beforeAll(ExtensionContext extensionContext) throws Exception {
		this.session = ChromiumSession.launchIfPresent();
	}

	@Override
	public void beforeEach(ExtensionContext extensionContext) {
		ExternalTools.requireChromium();
		this.context = this.session.browser()
			.newContext(new Browser.NewContextOptions().setViewportSize(this.width, this.height));
		this.page = this.context.newPage();
		this.page.setDefaultTimeout(TIMEOUT);
	}

	@Override
	public void afterEach(ExtensionContext extensionContext) {
		if (this.context != null) {
			this.context.close();
			this.context = null;
			this.page = null;
		}
	}

	@Override
	public void afterAll(ExtensionContext extensionContext) throws Exception {
		if (this.session != null) {
			this.session.close();
		}
	}

}
