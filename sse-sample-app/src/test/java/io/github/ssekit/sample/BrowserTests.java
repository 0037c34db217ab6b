package io.github.ssekit.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's live page in headless Chromium (Debian's {@code /usr/bin/chromium}, driven
 * by Playwright): what a real {@code EventSource} makes of the streams.
 *
 * @author ssekit
 */
@LiveSampleTest
class BrowserTests {

	private static final double TIMEOUT = 20_000;

	@RegisterExtension
	private static final ChromiumPage chromium = new ChromiumPage(1100, 760);

	@LocalServerPort
	int port;

	@Autowired
	LastEventIdRecorder recorder;

	@Autowired
	TokenStreamRecorder tokens;

	private Page page;

	@BeforeEach
	void openPage() {
		this.recorder.clear();
		this.page = chromium.page();
		this.page.navigate("http://localhost:" + this.port + "/");
	}

	@Test
	void pageRendersTimestampsAndCounter() {
		waitUntil("document.querySelectorAll('#timestamp-log li').length >= 2");
		waitUntil("Number(document.getElementById('counter-received').textContent) >= 5");
		waitUntil("document.querySelectorAll('.greeting').length >= 3 "
				+ "&& document.querySelectorAll('#unnamed-log li').length >= 2");
		assertThat(text("#timestamp-log li")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
		assertThat(text("#counter .state")).isEqualTo("open");
		assertThat(text("#timestamps .state")).isEqualTo("open");
		assertThat(Long.parseLong(text("#counter-value"))).isGreaterThanOrEqualTo(5);
		assertThat(text("#counter .last-id")).isEqualTo(text("#counter-value"));
	}

	@Test
	void counterStaysGaplessAcrossServerDropsAndThePageIsCaptured() throws IOException {
		waitUntil("Number(document.getElementById('counter-received').textContent) >= 3");
		List<Long> reconnectMillis = new ArrayList<>();
		for (int drop = 1; drop <= 3; drop++) {
			long before = counter("counter-received");
			this.page.click("#drop");
			waitUntil("Number(document.getElementById('counter-reconnects').textContent) >= " + drop);
			reconnectMillis.add(Long.parseLong(text("#counter-reconnect-time").replace(" ms", "")));
			waitUntil("Number(document.getElementById('counter-received').textContent) >= " + (before + 3));
		}
		System.out.println("Chromium was back after a server-side drop in (ms): " + reconnectMillis);
		assertThat(reconnectMillis)
			.as("ms from the drop to the stream open again; retry: %d ms", CounterController.RECONNECT.toMillis())
			.allSatisfy((millis) -> assertThat(millis).isLessThan(2500));
		long received = counter("counter-received");
		long shown = counter("counter-value");
		assertThat(counter("counter-gaps")).as("gaps").isZero();
		assertThat(counter("counter-repeats")).as("repeats").isZero();
		assertThat(shown).as("last value shown, after %d events from 1", received).isEqualTo(received);
		assertThat(text("#counter .state")).isEqualTo("open");
		List<String> resumedAfter = this.recorder.lastEventIds("/counter");
		assertThat(resumedAfter).as("Last-Event-ID headers the server received").hasSizeGreaterThanOrEqualTo(3);
		assertThat(resumedAfter).allSatisfy((id) -> assertThat(Long.parseLong(id)).isBetween(1L, shown));
		assertThat(resumedAfter.stream().map(Long::parseLong).toList()).isSorted();
		assertThat(this.recorder.requests("/counter").get(0).lastEventId()).as("first connection").isNull();
		waitUntil("document.querySelectorAll('#timestamp-log li').length >= 3 "
				+ "&& document.querySelectorAll('.greeting').length >= 3");
		Path screenshot = Path.of("target", "sample-page.png");
		Files.createDirectories(screenshot.getParent());
		this.page.screenshot(new Page.ScreenshotOptions().setPath(screenshot).setFullPage(true));
		assertThat(screenshot).isNotEmptyFile();
	}

	@Test
	void multiLineNonAsciiNamedEventsAreShownExactlyAndUnnamedOnesAreNot() {
		waitUntil("document.querySelectorAll('.greeting').length >= 3");
		List<String> shown = texts(".greeting");
		assertThat(shown).containsExactlyInAnyOrderElementsOf(GreetingController.GREETINGS);
		assertThat(this.page.locator(".greeting").first().evaluate("(e) => getComputedStyle(e).whiteSpace"))
			.isEqualTo("pre-wrap");
		waitUntil("document.querySelectorAll('#unnamed-log li').length >= 2");
		assertThat(texts("#unnamed-log li")).allSatisfy((data) -> assertThat(data).startsWith("unnamed message "));
		assertThat(String.join("\n", shown)).doesNotContain("unnamed message");
		assertThat(counter("greeting-count")).isGreaterThanOrEqualTo(3);
		long named = counter("greeting-count");
		long unnamed = counter("unnamed-count");
		assertThat(Math.abs(named - unnamed)).as("named and unnamed events alternate").isLessThanOrEqualTo(1);
	}

	@Test
	void streamedAnswerIsShownExactlyAndTheEventSourceIsClosedOnDone() {
		long cancellations = this.tokens.cancellations();
		this.page.click("#tokens-start");
		waitUntil("document.querySelector('#tokens .state').textContent === 'done'");
		assertThat(text("#tokens-text")).isEqualTo(TokensController.ANSWER);
		assertThat(counter("tokens-count")).isEqualTo(TokensController.TOKENS.size());
		assertThat(this.page.isEnabled("#tokens-start")).isTrue();
		assertThat(this.page.isDisabled("#tokens-stop")).isTrue();
		// longer than the stream's retry (sse.retry=1s): a browser that reconnected would
		// ask again
		this.page.waitForTimeout(1500);
		assertThat(this.recorder.requests("/tokens")).as("requests for /tokens").hasSize(1);
		assertThat(text("#tokens-text")).isEqualTo(TokensController.ANSWER);
		assertThat(this.tokens.cancellations()).as("cancellations of a finished answer").isEqualTo(cancellations);
	}

	@Test
	void stopClosesTheEventSourceAndTheServerCancelsTheFluxWithinASecond() throws InterruptedException {
		this.page.fill("#tokens-delay", "200");
		this.page.click("#tokens-start");
		waitUntil("Number(document.getElementById('tokens-count').textContent) >= 3");
		long cancellations = this.tokens.cancellations();
		long stopping = System.nanoTime();
		this.page.click("#tokens-stop");
		assertThat(this.tokens.awaitCancellations(cancellations + 1, Duration.ofSeconds(5)))
			.as("the answer's Flux is cancelled")
			.isTrue();
		Duration untilCancelled = Duration.ofNanos(this.tokens.lastCancellationNanos() - stopping);
		System.out
			.println("Flux cancelled after Chromium closed its EventSource in (ms): " + untilCancelled.toMillis());
		assertThat(untilCancelled).as("from the stop click to the cancellation").isLessThan(Duration.ofSeconds(1));
		String shown = text("#tokens-text");
		assertThat(shown).isNotEmpty().isNotEqualTo(TokensController.ANSWER);
		assertThat(TokensController.ANSWER).startsWith(shown);
		assertThat(text("#tokens .state")).isEqualTo("stopped");
		assertThat(this.recorder.requests("/tokens")).as("requests for /tokens").hasSize(1);
	}

	private void waitUntil(String condition) {
		this.page.waitForFunction("() => " + condition, null, new Page.WaitForFunctionOptions().setTimeout(TIMEOUT));
	}

	private String text(String selector) {
		return this.page.locator(selector).first().textContent();
	}

	private List<String> texts(String selector) {
		return this.page.locator(selector).allTextContents();
	}

	private long counter(String id) {
		return Long.parseLong(text("#" + id));
	}

}
