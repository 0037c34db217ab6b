package io.github.ssekit.bench.load;

/**
 * How the ssekit server under test broadcasts, for the report's wording.
 */
final class SsekitMode {

	/** Whether the ssekit server broadcasts through {@code SseChannels}. */
	static final boolean CHANNELS = true;

	private SsekitMode() {
	}

}
