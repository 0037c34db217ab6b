package io.github.ssekit.sample;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentialed cross-origin streams in headless Chromium, through Spring's CORS support
 * ({@link CrossOriginConfiguration} and Spring Security's {@code http.cors(...)}): a page
 * of {@code http://127.0.0.1:PORT}, an allowed origin, reads a stream of
 * {@code http://localhost:PORT}, the same server under another origin; a page of
 * {@code http://localhost:PORT}, not allowed, cannot read the stream of
 * {@code http://127.0.0.1:PORT}.
 *
 * @author ssekit
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sample.cors.allowed-origins=http://127.0.0.1:[*]")
class CrossOriginBrowserTests {

	private static final HttpClient http = HttpClient.newHttpClient();

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
	void pageOfAnAllowedOriginReadsACredentialedStreamOfAnotherOrigin() {
		open("http://127.0.0.1:" + this.port, "http://localhost:" + this.port + "/counter");
		this.page.waitForFunction("() => window.received.length >= 3");
		assertThat(this.page.evaluate("() => window.errors")).isEqualTo(0);
	}

	@Test
	void pageOfAnOriginThatIsNotAllowedIsRefused() {
		open("http://localhost:" + this.port, "http://127.0.0.1:" + this.port + "/counter");
		this.page.waitForFunction("() => window.errors >= 1");
		this.page.waitForTimeout(500);
		assertThat(this.page.evaluate("() => window.received.length")).isEqualTo(0);
	}

	@Test
	void allowedOriginIsEchoedWithCredentialsAndNeverAStar() throws Exception {
		String origin = "http://127.0.0.1:" + this.port;
		for (String path : CrossOriginConfiguration.STREAM_PATHS) {
			HttpResponse<InputStream> response = stream(path + (path.equals("/chat/sse") ? "?username=ann" : ""),
					origin);
			try (InputStream body = response.body()) {
				assertThat(response.statusCode()).as(path).isEqualTo(200);
				assertThat(response.headers().allValues("Access-Control-Allow-Origin")).as(path)
					.containsExactly(origin);
				assertThat(response.headers().allValues("Access-Control-Allow-Credentials")).as(path)
					.containsExactly("true");
			}
		}
	}

	@Test
	void preflightOfAReconnectWithLastEventIdIsAnswered() throws Exception {
		String origin = "http://127.0.0.1:" + this.port;
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/counter")))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "GET")
			.header("Access-Control-Request-Headers", "last-event-id")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly(origin);
		assertThat(response.headers().allValues("Access-Control-Allow-Credentials")).containsExactly("true");
		assertThat(String.join(",", response.headers().allValues("Access-Control-Allow-Headers")).toLowerCase())
			.contains("last-event-id");
	}

	@Test
	void originThatIsNotAllowedGetsNoCorsHeaders() throws Exception {
		for (String origin : List.of("http://localhost:1", "https://evil.example")) {
			HttpResponse<InputStream> response = stream("/counter", origin);
			try (InputStream body = response.body()) {
				assertThat(response.statusCode()).as(origin).isEqualTo(403);
				assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
			}
		}
	}

	private void open(String pageOrigin, String stream) {
		this.page.navigate(pageOrigin + "/cross-origin-test.html?stream=" + stream);
	}

	private HttpResponse<InputStream> stream(String path, String origin) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Accept", "text/event-stream")
			.header("Origin", origin)
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofInputStream());
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

}
