package io.github.ssekit.redis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.util.FileSystemUtils;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * A real Redis Cluster for tests: three masters without replicas on free ports of
 * localhost, without persistence, with {@code --cluster-node-timeout 1000} and
 * {@code --cluster-require-full-coverage no}, so that the other masters keep serving when
 * one dies. Created with {@code redis-cli --cluster create}, ready once every node says
 * {@code cluster_state:ok}, and destroyed after the test class, with its directories.
 * <p>
 * When {@code redis-server} or {@code redis-cli} is not on the path the test class is
 * skipped with a message, unless the environment variable {@code CI} is {@code true}:
 * then it fails.
 *
 * @author ssekit
 */
public final class RedisCluster implements BeforeAllCallback, AfterAllCallback {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final int MASTERS = 3;

	private final List<Node> nodes = new ArrayList<>();

	private final int[] owners = new int[SlotHash.SLOT_COUNT];

	private @Nullable Path directory;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		requireBinaries();
		Path directory = Files.createTempDirectory("sse-redis-cluster-test");
		this.directory = directory;
		for (int i = 0; i < MASTERS; i++) {
			Node node = new Node(RedisServer.freePort(), Files.createDirectory(directory.resolve("node-" + i)));
			this.nodes.add(node);
			node.start();
		}
		List<String> create = new ArrayList<>(List.of(binary("redis-cli"), "--cluster", "create"));
		for (Node node : this.nodes) {
			create.add("127.0.0.1:" + node.port);
		}
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		String output = run(create);
		if (!output.contains("[OK] All 16384 slots covered")) {
			throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
		}
		for (int slot = 0; slot < this.owners.length; slot++) {
			this.owners[slot] = (slot <= 5460) ? 0 : (slot <= 10922) ? 1 : 2;
		}
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		for (Node node : this.nodes) {
			while (!node.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Cluster not ok on port " + node.port);
				}
				Thread.sleep(50);
			}
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		for (Node node : this.nodes) {
			node.kill();
		}
		if (this.directory != null) {
			FileSystemUtils.deleteRecursively(this.directory);
		}
	}

	/**
	 * Fail or skip, as described on the class, when {@code redis-server} or
	 * {@code redis-cli} is missing.
	 */
	static void requireBinaries() {
		if (find("redis-server") != null && find("redis-cli") != null) {
			return;
		}
		String message = "redis-server or redis-cli not found on PATH: Redis Cluster tests skipped "
				+ "(install them, e.g. apt-get install redis-server)";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			fail(message + " -- failing because CI=true");
		}
		System.err.println("WARNING: " + message);
		abort(message);
	}

	private static @Nullable String find(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, name);
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	private static String binary(String name) {
		String binary = find(name);
		return (binary != null) ? binary : name;
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
		return new String(output, StandardCharsets.UTF_8);
	}

	/**
	 * Return the Redis URIs of the masters, to seed a cluster client.
	 * @return the URIs
	 */
	public List<String> uris() {
		return this.nodes.stream().map((node) -> "redis://127.0.0.1:" + node.port).toList();
	}

	/**
	 * Return the ports of the masters.
	 * @return the ports, in the order of {@link #master(String)}'s indexes
	 */
	public List<Integer> ports() {
		return this.nodes.stream().map((node) -> node.port).toList();
	}

	/**
	 * Return which master serves a key: {@code redis-cli --cluster create} gives the
	 * three masters the slots 0-5460, 5461-10922 and 10923-16383, in order, and
	 * {@link #reshard} moves a master's lowest slots.
	 * @param key the key
	 * @return the master's index
	 */
	public int master(String key) {
		return this.owners[SlotHash.getSlot(key)];
	}

	/**
	 * Run a command on a master with {@code redis-cli}.
	 * @param index the master's index
	 * @param args the command and its arguments
	 * @return the output
	 * @throws Exception if it cannot run
	 */
	public String cli(int index, String... args) throws Exception {
		return this.nodes.get(index).cli(args);
	}

	/**
	 * Move the first slots of one master, with their keys, to another
	 * ({@code redis-cli --cluster reshard}).
	 * @param from the index of the master that gives its lowest slots
	 * @param to the index of the master that takes them
	 * @param slots how many slots to move
	 * @return the output of {@code redis-cli}
	 * @throws Exception if it cannot run
	 */
	public String reshard(int from, int to, int slots) throws Exception {
		String fromId = cli(from, "CLUSTER", "MYID").trim();
		String toId = cli(to, "CLUSTER", "MYID").trim();
		int moved = 0;
		for (int slot = 0; slot < this.owners.length && moved < slots; slot++) {
			if (this.owners[slot] == from) {
				this.owners[slot] = to;
				moved++;
			}
		}
		return run(List.of(binary("redis-cli"), "--cluster", "reshard", "127.0.0.1:" + this.nodes.get(from).port,
				"--cluster-from", fromId, "--cluster-to", toId, "--cluster-slots", Integer.toString(slots),
				"--cluster-yes"));
	}

	/**
	 * Kill a master's process ({@code SIGKILL}) and wait until it exited.
	 * @param index the master's index
	 * @throws Exception if it does not die
	 */
	public void kill(int index) throws Exception {
		this.nodes.get(index).kill();
	}

	private static final class Node {

		private final int port;

		private final Path directory;

		private @Nullable Process process;

		Node(int port, Path directory) {
			this.port = port;
			this.directory = directory;
		}

		void start() throws Exception {
			ProcessBuilder builder = new ProcessBuilder(List.of(binary("redis-server"), "--port",
					Integer.toString(this.port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
					"--cluster-config-file", this.directory.resolve("nodes.conf").toString(), "--cluster-node-timeout",
					"1000", "--cluster-require-full-coverage", "no", "--save", "", "--appendonly", "no", "--dir",
					this.directory.toString()));
			builder.redirectErrorStream(true);
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis.log").toFile()));
			Process process = builder.start();
			this.process = process;
			long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
			while (!cli("PING").contains("PONG")) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException("redis-server did not start on port " + this.port + ", see "
							+ this.directory.resolve("redis.log"));
				}
				Thread.sleep(20);
			}
		}

		String cli(String... args) throws IOException, InterruptedException {
			List<String> command = new ArrayList<>(List.of(binary("redis-cli"), "-p", Integer.toString(this.port)));
			command.addAll(List.of(args));
			return run(command);
		}

		void kill() throws InterruptedException {
			Process process = this.process;
			this.process = null;
			if (process != null) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

}
