package io.github.ssekit.bench.load;

/**
 * How big a run is: {@code quick} (reduced sizes and durations) or {@code full} (the
 * sizes of issue 7). Each scenario picks its own sizes for either.
 *
 * @param name {@code quick} or {@code full}
 * @author ssekit
 */
record Mode(String name) {

	static Mode of(String name) {
		return switch (name) {
			case "quick", "full" -> new Mode(name);
			default -> throw new IllegalArgumentException("mode must be quick or full: " + name);
		};
	}

	/**
	 * The size or duration of this mode.
	 * @param <T> its type
	 * @param quick the one of a quick run
	 * @param full the one of a full run
	 * @return {@code full} in a full run, else {@code quick}
	 */
	<T> T pick(T quick, T full) {
		return "full".equals(this.name) ? full : quick;
	}

}
