package io.github.ssekit.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.ssekit.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code secure} profile with Spring Session in charge of the HTTP session:
 * its session events reach ssekit's session listener through Spring Session's own
 * adapter, so a logout or an expiry ends that session's streams as it does with the
 * container's sessions. The repository here publishes those events as
 * {@code RedisIndexedSessionRepository} does.
 *
 * @author ssekit
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("secure")
@ExtendWith(OutputCaptureExtension.class)
class SpringSessionStreamsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EventPublishingSessionRepository sessions;

	@Autowired
	ApplicationEventPublisher events;

	@Test
	void loggingOutEndsTheSessionsStreamsAtOnce(CapturedOutput output) throws Exception {
		FormLoginSession browser = FormLoginSession.login(base(), "ann");
		assertThat(browser.cookieHeader()).contains("SESSION=");
		try (SseTestClient stream = open(browser)) {
			long loggedOut = System.nanoTime();
			browser.logout();
			stream.awaitCompletion();
			assertThat(Duration.ofNanos(System.nanoTime() - loggedOut)).as("the session's stream ended")
				.isLessThan(Duration.ofSeconds(1));
		}
		assertQuiet(output);
	}

	@Test
	void anExpiredSessionsStreamsEnd(CapturedOutput output) throws Exception {
		FormLoginSession browser = FormLoginSession.login(base(), "bob");
		FormLoginSession otherBrowser = FormLoginSession.login(base(), "bob");
		try (SseTestClient stream = open(browser); SseTestClient other = open(otherBrowser)) {
			this.events.publishEvent(new SessionExpiredEvent(this, this.sessions.of(browser)));
			stream.awaitCompletion();
			assertThat(otherBrowser.post("/users/bob/notifications", "message=still here").statusCode()).isEqualTo(202);
			other.nextEvent().hasDataContaining("still here");
		}
		assertQuiet(output);
	}

	private SseTestClient open(FormLoginSession browser) {
		SseTestClient stream = SseTestClient.builder(base() + "/me/notifications")
			.header("Cookie", browser.cookieHeader())
			.timeout(TIMEOUT)
			.connect();
		assertThat(stream.statusCode()).isEqualTo(200);
		return stream;
	}

	private static void assertQuiet(CapturedOutput output) {
		assertThat(output.getOut() + output.getErr()).doesNotContain(" WARN ", " ERROR ", "Exception");
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableSpringHttpSession
	static class SpringSessionConfiguration {

		@Bean
		EventPublishingSessionRepository sessionRepository(ApplicationEventPublisher events) {
			return new EventPublishingSessionRepository(events);
		}

	}

	/**
	 * Sessions in memory that publish a {@link SessionDeletedEvent} when deleted, as a
	 * repository with session events does.
	 */
	static class EventPublishingSessionRepository implements SessionRepository<MapSession> {

		private final Map<String, Session> store = new ConcurrentHashMap<>();

		private final MapSessionRepository delegate = new MapSessionRepository(this.store);

		private final ApplicationEventPublisher events;

		EventPublishingSessionRepository(ApplicationEventPublisher events) {
			this.events = events;
		}

		@Override
		public MapSession createSession() {
			return this.delegate.createSession();
		}

		@Override
		public void save(MapSession session) {
			this.delegate.save(session);
		}

		@Override
		public MapSession findById(String id) {
			return this.delegate.findById(id);
		}

		@Override
		public void deleteById(String id) {
			MapSession session = this.delegate.findById(id);
			this.delegate.deleteById(id);
			if (session != null) {
				this.events.publishEvent(new SessionDeletedEvent(this, session));
			}
		}

		/**
		 * Return the session of a browser, whose cookie holds the session id in Base64.
		 */
		Session of(FormLoginSession browser) {
			String cookies = browser.cookieHeader();
			return this.store.values()
				.stream()
				.filter((session) -> cookies.contains("SESSION="
						+ Base64.getEncoder().encodeToString(session.getId().getBytes(StandardCharsets.UTF_8))))
				.findFirst()
				.orElseThrow();
		}

	}

}
