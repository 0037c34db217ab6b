package io.github.ssekit.channel;

import java.security.Principal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseChannelAuthorizer#userChannels(List)}.
 *
 * @author ssekit
 */
class UserChannelAuthorizerTests {

	private final SseChannelAuthorizer authorizer = SseChannelAuthorizer
		.userChannels(List.of("user:{name}", "inbox.{name}.alerts"));

	private final Principal ann = () -> "ann";

	@Test
	void aUsersChannelIsOnlyTheirs() {
		assertThat(this.authorizer.canSubscribe(this.ann, "user:ann")).isTrue();
		assertThat(this.authorizer.canSubscribe(this.ann, "user:bob")).isFalse();
		assertThat(this.authorizer.canSubscribe(null, "user:ann")).isFalse();
		assertThat(this.authorizer.canSubscribe(this.ann, "inbox.ann.alerts")).isTrue();
		assertThat(this.authorizer.canSubscribe(this.ann, "inbox.bob.alerts")).isFalse();
	}

	@Test
	void aNameIsMatchedWholeNotByPrefix() {
		assertThat(this.authorizer.canSubscribe(this.ann, "user:anne")).isFalse();
		assertThat(this.authorizer.canSubscribe(() -> "ann:x", "user:ann")).isFalse();
		assertThat(this.authorizer.canSubscribe(this.ann, "user:")).as("no name: not a user channel").isTrue();
	}

	@Test
	void otherChannelsAreLeftToOtherAuthorizers() {
		assertThat(this.authorizer.canSubscribe(null, "news")).isTrue();
		assertThat(this.authorizer.canSubscribe(this.ann, "users:bob")).isTrue();
	}

	@Test
	void aPatternNeedsExactlyOnePlaceholder() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseChannelAuthorizer.userChannels(List.of("user:")))
			.withMessageContaining("exactly one {name}");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseChannelAuthorizer.userChannels(List.of("{name}:{name}")));
	}

}
