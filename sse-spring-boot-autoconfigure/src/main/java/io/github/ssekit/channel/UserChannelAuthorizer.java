package io.github.ssekit.channel;

import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * {@link SseChannelAuthorizer#userChannels(List)}: channels named after a pattern such as
 * {@code user:{name}} belong to the principal of that name.
 *
 * @author ssekit
 */
final class UserChannelAuthorizer implements SseChannelAuthorizer {

	static final String PLACEHOLDER = "{name}";

	private final List<Pattern> patterns;

	UserChannelAuthorizer(List<String> patterns) {
		this.patterns = patterns.stream().map(Pattern::of).toList();
	}

	@Override
	public boolean canSubscribe(@Nullable Principal principal, String channel) {
		for (Pattern pattern : this.patterns) {
			String owner = pattern.ownerOf(channel);
			if (owner != null) {
				return principal != null && owner.equals(principal.getName());
			}
		}
		return true;
	}

	private record Pattern(String prefix, String suffix) {

		static Pattern of(String pattern) {
			int at = pattern.indexOf(PLACEHOLDER);
			if (at < 0 || pattern.indexOf(PLACEHOLDER, at + 1) >= 0) {
				throw new IllegalArgumentException("A user channel pattern needs exactly one " + PLACEHOLDER
						+ " placeholder, for example 'user:{name}'; was '" + pattern + "'");
			}
			return new Pattern(pattern.substring(0, at), pattern.substring(at + PLACEHOLDER.length()));
		}

		@Nullable String ownerOf(String channel) {
			if (channel.length() > this.prefix.length() + this.suffix.length() && channel.startsWith(this.prefix)
					&& channel.endsWith(this.suffix)) {
				return channel.substring(this.prefix.length(), channel.length() - this.suffix.length());
			}
			return null;
		}

	}

}
