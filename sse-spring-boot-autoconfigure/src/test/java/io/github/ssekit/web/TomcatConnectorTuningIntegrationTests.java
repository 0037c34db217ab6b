package io.github.ssekit.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamFactory;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sse.tomcat.*} on a real Tomcat: the connector takes the settings, and ordinary
 * requests (a large response, large headers, large bodies, a chunked body) and event
 * streams work as they do with Tomcat's defaults.
 *
 * @author ssekit
 */
class TomcatConnectorTuningIntegrationTests {

	private static final String[] TUNED = { "sse.tomcat.socket-read-buffer-size=1KB",
			"sse.tomcat.socket-write-buffer-size=1KB", "sse.tomcat.max-trailer-size=1KB" };

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void connectorTakesTheSettingsOnlyWhenTheyAreSet(boolean tuned) {
		Connector connector = connector(start(tuned));
		String expected = tuned ? "1024" : "8192";
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString(expected);
		assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString(expected);
		assertThat(connector.getProperty("maxTrailerSize")).hasToString(expected);
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void largeResponseArrivesWhole(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		HttpResponse<byte[]> response = client.send(request(port, "/bytes?size=3000000").build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).hasSize(3_000_000);
		assertThat(crc(response.body())).isEqualTo(crc(TestController.bytes(3_000_000)));
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void requestWithLargeHeadersIsServed(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		// 7 KB of headers: within Tomcat's 8 KB request header limit, far beyond the
		// tuned 1 KB read buffer
		String value = "v".repeat(3500);
		HttpResponse<String> response = client.send(
				request(port, "/headers").header("X-First", value).header("X-Second", value).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("7000");
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void largePostBodyIsReadWhole(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		byte[] body = TestController.bytes(2_000_000);
		HttpResponse<String> response = client.send(
				request(port, "/length").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo(body.length + " " + crc(body));
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void chunkedPostBodyIsReadWhole(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		byte[] body = TestController.bytes(1_000_000);
		HttpResponse<String> response = client.send(request(port, "/length")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo(body.length + " " + crc(body));
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void chunkedBodyWithSmallTrailerIsServed(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		assertThat(postChunkedWithTrailer(port, 100)).startsWith("HTTP/1.1 200");
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void trailerLargerThanMaxTrailerSizeIsRejectedOnlyWhenTuned(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		assertThat(postChunkedWithTrailer(port, 4000)).startsWith(tuned ? "HTTP/1.1 400" : "HTTP/1.1 200");
	}

	@ParameterizedTest(name = "tuned: {0}")
	@ValueSource(booleans = { false, true })
	void eventStreamDeliversSmallAndLargeEvents(boolean tuned) throws Exception {
		int port = TestServers.port(start(tuned));
		try (EventStreamConnection connection = EventStreamConnection.open(port, "/stream")) {
			assertThat(connection.response().headers().firstValue("Content-Type")).hasValue("text/event-stream");
			assertThat(connection.nextEvent().data()).isEqualTo("small");
			assertThat(connection.nextEvent().data()).isEqualTo("x".repeat(100_000));
			assertThat(connection.nextEvent().data()).isEqualTo("after");
		}
	}

	private ConfigurableApplicationContext start(boolean tuned) {
		ConfigurableApplicationContext context = TestServers.run(TuningTestApplication.class, TomcatConfiguration.class,
				tuned ? TUNED : new String[0]);
		this.contexts.add(context);
		return context;
	}

	private static Connector connector(ConfigurableApplicationContext context) {
		return ((TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer()).getTomcat()
			.getConnector();
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
	}

	/**
	 * A chunked POST whose body ends with one trailer header of about the given size; the
	 * status line of the answer.
	 */
	private static String postChunkedWithTrailer(int port, int trailerSize) throws IOException {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(10_000);
			String trailer = "X-Trailer: " + "t".repeat(trailerSize) + "\r\n";
			String request = "POST /length HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
					+ "Trailer: X-Trailer\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n" + trailer + "\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			return answer.isEmpty() ? "(connection closed)" : answer.substring(0, answer.indexOf("\r\n"));
		}
	}

	private static long crc(byte[] bytes) {
		CRC32 crc = new CRC32();
		crc.update(bytes);
		return crc.getValue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(TestController.class)
	static class TuningTestApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class TomcatConfiguration {

		@Bean
		TomcatServletWebServerFactory tomcatServletWebServerFactory() {
			return new TomcatServletWebServerFactory();
		}

	}

	@RestController
	static class TestController {

		private final SseStreamFactory streams;

		TestController(SseStreamFactory streams) {
			this.streams = streams;
		}

		static byte[] bytes(int size) {
			byte[] bytes = new byte[size];
			for (int i = 0; i < size; i++) {
				bytes[i] = (byte) (i * 31 + (i >>> 10));
			}
			return bytes;
		}

		@GetMapping("/bytes")
		byte[] bytesOfSize(@RequestParam int size) {
			return bytes(size);
		}

		@GetMapping("/headers")
		String headers(@RequestHeader("X-First") String first, @RequestHeader("X-Second") String second) {
			return String.valueOf(first.length() + second.length());
		}

		@PostMapping("/length")
		String length(HttpServletRequest request) throws IOException {
			byte[] body = request.getInputStream().readAllBytes();
			return body.length + " " + crc(body);
		}

		@GetMapping("/stream")
		SseStream stream() {
			SseStream stream = this.streams.create();
			stream.publish(SseEvent.of("message", "small"));
			stream.publish(SseEvent.of("message", "x".repeat(100_000)));
			stream.publish(SseEvent.of("message", "after"));
			return stream;
		}

	}

}
