package io.github.ssekit.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A private network namespace for a server under test, reached over a veth pair with an
 * MTU of 1500, as a real network has: on the loopback device (MTU 64 KiB) a socket's send
 * buffer grows to about 4 MB, so a client that never reads would absorb minutes of a
 * stream before the server noticed. Needs root and {@code ip}; the load generators and
 * the control calls reach the server at {@link #SERVER_ADDRESS}.
 *
 * @author ssekit
 */
final class Netns implements AutoCloseable {

	static final String NAME = "ssekit-bench";

	static final String SERVER_ADDRESS = "10.213.0.2";

	private static final String HOST_ADDRESS = "10.213.0.1";

	private static final String HOST_DEVICE = "ssekb0";

	private static final String PEER_DEVICE = "ssekb1";

	private Netns() {
	}

	/**
	 * Create the namespace, or explain in the log why it cannot be.
	 * @return the namespace, empty when not root or {@code ip} fails
	 */
	static Optional<Netns> create() {
		if (!"root".equals(System.getProperty("user.name"))) {
			Harness.log("not root: no private network namespace");
			return Optional.empty();
		}
		try {
			remove();
			ip("netns", "add", NAME);
			ip("netns", "exec", NAME, "ip", "link", "set", "lo", "up");
			ip("link", "add", HOST_DEVICE, "type", "veth", "peer", "name", PEER_DEVICE);
			ip("link", "set", PEER_DEVICE, "netns", NAME);
			ip("addr", "add", HOST_ADDRESS + "/24", "dev", HOST_DEVICE);
			ip("link", "set", HOST_DEVICE, "up", "mtu", "1500");
			ip("netns", "exec", NAME, "ip", "addr", "add", SERVER_ADDRESS + "/24", "dev", PEER_DEVICE);
			ip("netns", "exec", NAME, "ip", "link", "set", PEER_DEVICE, "up", "mtu", "1500");
			return Optional.of(new Netns());
		}
		catch (IOException ex) {
			Harness.log("no private network namespace: " + ex.getMessage());
			remove();
			return Optional.empty();
		}
	}

	/**
	 * The command, run in the namespace.
	 * @param command the command
	 * @return the command prefixed with {@code ip netns exec}
	 */
	List<String> wrap(List<String> command) {
		List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", NAME));
		wrapped.addAll(command);
		return wrapped;
	}

	@Override
	public void close() {
		remove();
	}

	private static void remove() {
		try {
			ip("link", "del", HOST_DEVICE);
		}
		catch (IOException ex) {
			// not there
		}
		try {
			ip("netns", "del", NAME);
		}
		catch (IOException ex) {
			// not there
		}
	}

	private static void ip(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("ip"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			String output = new String(process.getInputStream().readAllBytes()).trim();
			if (process.waitFor() != 0) {
				throw new IOException(String.join(" ", command) + ": " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

}
