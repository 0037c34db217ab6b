package io.github.ssekit.sample;

import java.util.Map;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code secure} profile's private page ({@code private.html}) in headless Chromium,
 * as a user meets it: the login form, the user's own notifications, a refused channel,
 * and signing out, which ends the open stream at once.
 *
 * @author ssekit
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("secure")
@ExtendWith(OutputCaptureExtension.class)
class SecureBrowserTests {

	@RegisterExtension
	private static final ChromiumPage chromium = new ChromiumPage();

	@LocalServerPort
	int port;

	private Page page;

	@BeforeEach
	void openPage() {
		this.page = chromium.page();
	}

	@Test
	void signedInUserReceivesTheirNotificationsAndOnlyTheirs(CapturedOutput output) throws Exception {
		signIn("ann");
		FormLoginSession bob = FormLoginSession.login(base(), "bob");
		assertThat(bob.post("/users/ann/notifications", "message=for ann").statusCode()).isEqualTo(202);
		assertThat(bob.post("/users/bob/notifications", "message=for bob").statusCode()).isEqualTo(202);
		this.page.waitForFunction("() => window.sample.notifications.length >= 1");
		this.page.waitForTimeout(300);
		assertThat(this.page.evaluate("() => window.sample.notifications"))
			.isEqualTo(java.util.List.of(Map.of("from", "bob", "message", "for ann")));
		assertThat(this.page.locator("#notification-log").textContent()).contains("bob: for ann")
			.doesNotContain("for bob");
		assertQuiet(output);
	}

	@Test
	void anotherUsersChannelIsRefusedWith403AndNothingOfItIsShown(CapturedOutput output) throws Exception {
		signIn("ann");
		subscribe("user:bob");
		this.page.waitForFunction("() => window.sample.channelRefusal !== null");
		assertThat(this.page.evaluate("() => window.sample.channelRefusal.status")).isEqualTo(403);
		FormLoginSession ann = FormLoginSession.login(base(), "ann");
		ann.post("/users/bob/notifications", "message=not for ann's page");
		this.page.waitForTimeout(300);
		assertThat(this.page.evaluate("() => window.sample.channelEvents.length")).isEqualTo(0);
		assertThat(this.page.locator("#channel-refusal").textContent()).startsWith("refused: 403");
		subscribe("room:ops");
		this.page.waitForSelector("#channel .state[data-state=open]");
		this.page.fill("#say input[name=room]", "ops");
		this.page.fill("#say input[name=message]", "deploy at noon");
		this.page.click("#say button");
		this.page.waitForFunction("() => window.sample.channelEvents.some((data) => data.includes('deploy at noon'))");
		assertQuiet(output);
	}

	@Test
	void signingOutEndsTheOpenStreamAtOnce(CapturedOutput output) throws Exception {
		signIn("bob");
		this.page.click("#logout");
		this.page.waitForFunction("() => window.sample.notificationsEndedAt !== null");
		double afterSignOut = ((Number) this.page
			.evaluate("() => window.sample.notificationsEndedAt - window.sample.loggedOutAt")).doubleValue();
		assertThat(afterSignOut).as("ms from signing out to the stream's end").isBetween(0.0, 1000.0);
		this.page.waitForSelector("#notifications .state[data-state=closed]");
		FormLoginSession ann = FormLoginSession.login(base(), "ann");
		ann.post("/users/bob/notifications", "message=after sign-out");
		this.page.waitForTimeout(300);
		assertThat(this.page.evaluate("() => window.sample.notifications.length")).isEqualTo(0);
		assertQuiet(output);
	}

	/**
	 * Open the private page, which sends the browser to the login form first, and wait
	 * for the notifications stream to be open.
	 */
	private void signIn(String user) {
		this.page.navigate(base() + "/private.html");
		this.page.waitForSelector("input[name=username]");
		this.page.fill("input[name=username]", user);
		this.page.fill("input[name=password]", SecurityConfiguration.DEMO_PASSWORD);
		this.page.click("button[type=submit]");
		try {
			this.page.waitForFunction("() => window.sample && window.sample.notificationsOpen");
		}
		catch (RuntimeException ex) {
			throw new AssertionError("not signed in: " + this.page.url() + " " + this.page.content(), ex);
		}
		// the page names the user from a fetch of /me, which may answer after the stream
		// opened
		try {
			this.page.waitForFunction("(user) => document.getElementById('user').textContent === user", user);
		}
		catch (RuntimeException ex) {
			throw new AssertionError("the page names " + this.page.locator("#user").textContent() + ", not " + user,
					ex);
		}
	}

	private void subscribe(String channel) {
		this.page.fill("#subscribe input[name=name]", channel);
		this.page.click("#subscribe button");
	}

	private static void assertQuiet(CapturedOutput output) {
		assertThat(output.getOut() + output.getErr()).doesNotContain(" WARN ", " ERROR ", "Exception");
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

}
