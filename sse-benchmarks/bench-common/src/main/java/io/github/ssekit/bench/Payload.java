package io.github.ssekit.bench;

/**
 * The data of every benchmark event:
 * {@code <publish System.nanoTime()> <step> <padding>}, padded so that the encoded event
 * ({@code data: ...\n\n}) has the requested size. The load generator reads the publish
 * time back to compute the latency (the monotonic clock is shared by every JVM on the
 * machine).
 */
public final class Payload {

	private static final int FRAMING = "data: ".length() + 2;

	private static final String PADDING = "x".repeat(64 * 1024);

	private Payload() {
	}

	/**
	 * Build the data of one event.
	 * @param publishNanos the publish time ({@link System#nanoTime()})
	 * @param step the scenario step the event belongs to
	 * @param size the size of the encoded event in bytes
	 * @return the event data
	 */
	public static String data(long publishNanos, int step, int size) {
		String head = publishNanos + " " + step + " ";
		int padding = Math.max(0, Math.min(PADDING.length(), size - FRAMING - head.length()));
		return head + PADDING.substring(0, padding);
	}

}
