package io.github.ssekit.web;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stream request with bad input gets, and what it leaves in the log: a 400 Problem
 * Detail that names what was wrong, and never the value itself, in the answer or the log.
 * Run once per servlet container by the subclasses, with one application.
 *
 * @author ssekit
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractBadInputIntegrationTests {

	private static final String SECRET = "S3CRET";

	private ConfigurableApplicationContext context;

	private int port;

	/**
	 * Return the configuration that selects the servlet container.
	 * @return a configuration class defining the web server factory
	 */
	abstract Class<?> containerConfiguration();

	@BeforeAll
	void start() {
		this.context = TestServers.run(SseTestApplication.class, containerConfiguration(),
				"sse.last-event-id.query-parameter=lastEventId", "sse.last-event-id.max-length=32");
		this.port = TestServers.port(this.context);
	}

	@AfterAll
	void stop() {
		this.context.close();
	}

	@Test
	void badlyEncodedParameterOfALastEventIdStreamIsAProblemDetailAndNotLogged(CapturedOutput output) throws Exception {
		HttpResponse<String> response = get("/last-event-id/string?other=" + SECRET + "%ff");
		assertProblem(response, "Invalid request parameters").contains("could not be decoded");
		assertQuietLog(output);
	}

	@Test
	void badlyEncodedLastEventIdQueryParameterIsAProblemDetailAndNotLogged(CapturedOutput output) throws Exception {
		HttpResponse<String> response = get("/last-event-id/string?lastEventId=" + SECRET + "%ff%fe");
		assertProblem(response, "Invalid request parameters").contains("could not be decoded");
		assertQuietLog(output);
	}

	@Test
	void badlyEncodedRequestParamOfAStreamIsAProblemDetailAndNotLogged(CapturedOutput output) throws Exception {
		HttpResponse<String> response = get("/param-echo?name=" + SECRET + "%ff");
		assertProblem(response, "Invalid request parameters").contains("could not be decoded");
		assertQuietLog(output);
	}

	@Test
	void lineBreakInLastEventIdQueryParameterIsAProblemDetailAndForgesNoLogLine(CapturedOutput output)
			throws Exception {
		HttpResponse<String> response = get("/last-event-id/string?lastEventId=" + SECRET + "%0d%0aFAKE");
		assertProblem(response, "Invalid Last-Event-ID").contains("control characters");
		assertThat(response.body()).doesNotContain("FAKE");
		assertQuietLog(output);
		assertThat(output).doesNotContain("FAKE");
	}

	@Test
	void overLongLastEventIdQueryParameterIsAProblemDetailAndNotLogged(CapturedOutput output) throws Exception {
		HttpResponse<String> response = get("/last-event-id/string?lastEventId=" + SECRET + "x".repeat(40));
		assertProblem(response, "Invalid Last-Event-ID").contains("longer than 32");
		assertQuietLog(output);
	}

	@Test
	void wellEncodedParametersStillReachTheStream() throws Exception {
		HttpResponse<String> response = get("/param-echo?name=caf%C3%A9");
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void badlyEncodedParameterOfAnEndpointThatIsNoStreamIsLeftToTheApplication() throws Exception {
		HttpResponse<String> response = get("/plain?name=" + SECRET + "%ff");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).doesNotStartWith("application/problem+json"));
	}

	private HttpResponse<String> get(String pathAndQuery) throws Exception {
		return EventStreamConnection.get(this.port, pathAndQuery, Map.of());
	}

	private static org.assertj.core.api.AbstractStringAssert<?> assertProblem(HttpResponse<String> response,
			String title) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		return assertThat(response.body()).contains("\"status\":400")
			.contains("\"title\":\"" + title + "\"")
			.doesNotContain(SECRET)
			.doesNotContain("%ff")
			.doesNotContain("\ufffd");
	}

	private static void assertQuietLog(CapturedOutput output) {
		assertThat(output).doesNotContain(SECRET)
			.doesNotContain(" ERROR ")
			.doesNotContain(" WARN ")
			.doesNotContain("Exception")
			.doesNotContain("\tat ");
	}

}
