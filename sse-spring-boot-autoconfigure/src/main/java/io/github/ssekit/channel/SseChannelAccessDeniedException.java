package io.github.ssekit.channel;

import io.github.ssekit.SseRequestException;

import org.springframework.http.HttpStatus;

/**
 * Thrown by {@link SseChannel#subscribe(io.github.ssekit.SseStream, String)} when an
 * {@link SseChannelAuthorizer} refuses the stream's principal; answered with 403
 * Forbidden and a Problem Detail when thrown before the stream's response started.
 * Nothing of the channel has been sent to the stream.
 *
 * @author ssekit
 */
public class SseChannelAccessDeniedException extends SseRequestException {

	private static final long serialVersionUID = 1L;

	private final String channel;

	/**
	 * Create a new exception.
	 * @param channel the channel's name
	 */
	public SseChannelAccessDeniedException(String channel) {
		super(HttpStatus.FORBIDDEN, "Channel access denied", "You may not subscribe to this channel");
		this.channel = channel;
	}

	/**
	 * Return the channel that was refused.
	 * @return the channel's name
	 */
	public String getChannel() {
		return this.channel;
	}

}
