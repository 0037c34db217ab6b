package io.github.ssekit.web;

import java.security.Principal;
import java.time.Duration;
import java.util.List;

import io.github.ssekit.SseEvent;
import io.github.ssekit.TooManyStreamsException;
import io.github.ssekit.channel.DefaultSseChannels;
import io.github.ssekit.channel.InMemorySseChannelBroker;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannelAccessDeniedException;
import io.github.ssekit.channel.SseChannelAuthorizer;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.web.DefaultSseStreamTests.FakeTransport;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import io.github.ssekit.stream.StreamOwner;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for what a stream knows of who opened it: per-user limits, closing a principal's
 * or a session's streams, and authorised channel subscriptions.
 *
 * @author ssekit
 */
class StreamOwnershipTests {

	private final SseStreamRegistry registry = new SseStreamRegistry(
			new SseStreamRegistry.Settings(null, null, null, null, Duration.ofSeconds(1), null, 2));

	@Test
	void aUserBeyondTheLimitGets429WithRetryAfterAndOthersAreUndisturbed() {
		DefaultSseStream first = open("ann", "s1");
		DefaultSseStream second = open("ann", "s1");
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> open("ann", "s2")).satisfies((ex) -> {
			assertThat(ex.getStatusCode().value()).isEqualTo(429);
			assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
			assertThat(ex.getBody().getDetail()).contains("maximum of 2 open streams").doesNotContain("ann");
		});
		assertThat(first.isOpen()).isTrue();
		assertThat(second.isOpen()).isTrue();
		assertThat(open("bob", "s3").isOpen()).isTrue();
		assertThat(this.registry.size()).isEqualTo(3);
		first.close();
		assertThat(open("ann", "s1").isOpen()).as("a slot freed by a closed stream").isTrue();
	}

	@Test
	void anonymousClientsAreCountedByRemoteAddress() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("203.0.113.7");
		this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true));
		this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true));
		assertThatExceptionOfType(TooManyStreamsException.class)
			.isThrownBy(() -> this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true)));
		request.setRemoteAddr("203.0.113.8");
		assertThat(this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true)).principal()).isNull();
	}

	@Test
	void closeStreamsOfClosesOnlyThatPrincipalsOpenStreams() {
		DefaultSseStream ann = open("ann", "s1");
		DefaultSseStream annElsewhere = open("ann", "s2");
		DefaultSseStream bob = open("bob", "s3");
		assertThat(this.registry.closeStreamsOf("ann")).isEqualTo(2);
		assertThat(ann.closeReason()).isEqualTo(CloseReason.PRINCIPAL_REVOKED);
		assertThat(annElsewhere.isOpen()).isFalse();
		assertThat(bob.isOpen()).isTrue();
		assertThat(this.registry.closeStreamsOf("ann")).isZero();
	}

	@Test
	void anEndedSessionClosesItsStreamsAndNoOthers() {
		DefaultSseStream first = open("ann", "s1");
		DefaultSseStream second = open("bob", "s1");
		DefaultSseStream otherSession = open("ann", "s2");
		MockHttpSession session = new MockHttpSession(null, "s1");
		new SseSessionListener(this.registry).sessionDestroyed(new jakarta.servlet.http.HttpSessionEvent(session));
		assertThat(first.closeReason()).isEqualTo(CloseReason.SESSION_ENDED);
		assertThat(second.isOpen()).isFalse();
		assertThat(otherSession.isOpen()).isTrue();
	}

	@Test
	void aStreamKnowsThePrincipalOfItsRequest() {
		DefaultSseStream stream = open("ann", "s1");
		assertThat(stream.principal()).extracting(Principal::getName).isEqualTo("ann");
		assertThat(this.registry.open(StreamOptions.defaults()).principal()).isNull();
	}

	@Test
	void aRefusedSubscriptionThrows403AndSendsNothingOfTheChannelNotEvenReplay() {
		assertRefusedSubscriptionSendsNothing(new InMemorySseChannelBroker(10, Duration.ofMinutes(5)), "user:ann");
	}

	/**
	 * Assert that a subscription the channel authorizers refuse throws before anything of
	 * the channel, live or replayed, reaches the stream, with the given broker.
	 * @param broker the broker
	 * @param channel the name of a channel of the principal {@code ann}
	 */
	void assertRefusedSubscriptionSendsNothing(SseChannelBroker broker, String channel) {
		DefaultSseChannels channels = new DefaultSseChannels(broker, null);
		channels.setAuthorizers(List.of(SseChannelAuthorizer.userChannels(List.of("user:{name}"))));
		SseChannel anns = channels.channel(channel);
		String first = anns.publish(SseEvent.of("private 1")).id();
		anns.publish(SseEvent.of("private 2"));
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setUserPrincipal(() -> "bob");
		DefaultSseStream bob = this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true));
		FakeTransport transport = new FakeTransport(bob, true);
		bob.bind(transport);
		assertThatExceptionOfType(SseChannelAccessDeniedException.class).isThrownBy(() -> anns.subscribe(bob, first))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(403);
				assertThat(ex.getChannel()).isEqualTo(channel);
			});
		assertThatExceptionOfType(SseChannelAccessDeniedException.class)
			.isThrownBy(() -> anns.subscribe(this.registry.open(StreamOptions.defaults())));
		anns.publish(SseEvent.of("private 3"));
		sleep(300);
		assertThat(transport.bytes()).isEmpty();
		assertThat(anns.subscriberCount()).isZero();
		DefaultSseStream ann = open("ann", "s1");
		anns.subscribe(ann, first);
		assertThat(anns.subscriberCount()).isOne();
		channels.channel("news").subscribe(bob);
		assertThat(channels.channel("news").subscriberCount()).as("other channels are left alone").isOne();
	}

	@Test
	void everyAuthorizerMustAllow() {
		DefaultSseChannels channels = new DefaultSseChannels(new InMemorySseChannelBroker(10, Duration.ofMinutes(5)),
				null);
		channels.setAuthorizers(
				List.of((principal, channel) -> true, (principal, channel) -> !channel.startsWith("room:")));
		assertThatExceptionOfType(SseChannelAccessDeniedException.class)
			.isThrownBy(() -> channels.channel("room:1").subscribe(open("ann", "s1")));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private DefaultSseStream open(String user, String sessionId) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setUserPrincipal(() -> user);
		request.setSession(new MockHttpSession(null, sessionId));
		DefaultSseStream stream = this.registry.open(StreamOptions.defaults(), StreamOwner.of(request, true));
		stream.bind(new FakeTransport(stream, true));
		return stream;
	}

}
