package io.github.ssekit.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Child processes of the runner: a server under test (with its control endpoints and
 * /proc figures) and a load generator (driven through stdin/stdout lines).
 */
final class Procs {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Procs() {
	}

	/** CPU time (user + system) of a process so far, from /proc. */
	static long cpuNanos(Process process) throws IOException {
		return statCpuNanos(Path.of("/proc/" + process.pid() + "/stat"));
	}

	/**
	 * User + system time from a {@code stat} file of /proc (a process's or a thread's),
	 * in 10 ms ticks.
	 */
	private static long statCpuNanos(Path statFile) throws IOException {
		String stat = Files.readString(statFile);
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * 10_000_000L;
	}

	/**
	 * A server JVM.
	 */
	static final class Server implements AutoCloseable {

		final String name;

		final String host;

		final int port;

		final Process process;

		Server(String name, String host, int port, List<String> command, Path log) throws IOException {
			this.name = name;
			this.host = host;
			this.port = port;
			this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}

		void awaitUp(Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.name + " exited with " + this.process.exitValue());
				}
				try {
					get("/control/stats");
					return;
				}
				catch (IOException ex) {
					Thread.sleep(250);
				}
			}
			throw new IllegalStateException(this.name + " did not start within " + timeout);
		}

		Map<String, String> get(String path) throws IOException, InterruptedException {
			return call(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
		}

		Map<String, String> post(String path) throws IOException, InterruptedException {
			return call(HttpRequest.newBuilder(uri(path))
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build());
		}

		private URI uri(String path) {
			return URI.create("http://" + this.host + ":" + this.port + path);
		}

		private static Map<String, String> call(HttpRequest request) throws IOException, InterruptedException {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
			}
			return parse(response.body());
		}

		int subscribers() throws IOException, InterruptedException {
			return Integer.parseInt(get("/control/stats").get("subscribers"));
		}

		/** CPU time (user + system) of the server process so far, from /proc. */
		long cpuNanos() throws IOException {
			return Procs.cpuNanos(this.process);
		}

		/**
		 * Threads of the container's request-processing pool (Tomcat's
		 * {@code http-nio-*-exec-*}, Jetty's {@code qtp*}, Reactor Netty's
		 * {@code reactor-http-*}): a pool that grows with a burst of requests up to its
		 * maximum whatever the application, as distinct from threads an application or
		 * library adds.
		 */
		int containerPoolThreads() throws IOException {
			int count = 0;
			for (String name : threadNames().values()) {
				if (name.startsWith("http-nio-") || name.startsWith("qtp") || name.startsWith("reactor-http-")) {
					count++;
				}
			}
			return count;
		}

		/**
		 * CPU time (user + system) so far of the server's threads whose name starts with
		 * the prefix.
		 */
		long threadCpuNanos(String prefix) throws IOException {
			long nanos = 0;
			for (Map.Entry<Path, String> thread : threadNames().entrySet()) {
				if (thread.getValue().startsWith(prefix)) {
					nanos += threadCpuNanos(thread.getKey());
				}
			}
			return nanos;
		}

		/**
		 * CPU time so far per kind of thread: names with their digits replaced by
		 * {@code #}, summed.
		 */
		Map<String, Long> cpuNanosByThreadKind() throws IOException {
			Map<String, Long> cpu = new HashMap<>();
			for (Map.Entry<Path, String> thread : threadNames().entrySet()) {
				cpu.merge(thread.getValue().replaceAll("[0-9]+", "#"), threadCpuNanos(thread.getKey()), Long::sum);
			}
			return cpu;
		}

		/** A thread's CPU time so far, or 0 if it ended meanwhile. */
		private static long threadCpuNanos(Path task) {
			try {
				return statCpuNanos(task.resolve("stat"));
			}
			catch (IOException ex) {
				return 0;
			}
		}

		private Map<Path, String> threadNames() throws IOException {
			Map<Path, String> names = new HashMap<>();
			try (var tasks = Files.list(Path.of("/proc/" + this.process.pid() + "/task"))) {
				for (Path task : (Iterable<Path>) tasks::iterator) {
					try {
						names.put(task, Files.readString(task.resolve("comm")).trim());
					}
					catch (IOException ex) {
						// the thread ended meanwhile
					}
				}
			}
			return names;
		}

		/** Threads of the server process, from /proc. */
		int threads() throws IOException {
			for (String line : Files.readAllLines(Path.of("/proc/" + this.process.pid() + "/status"))) {
				if (line.startsWith("Threads:")) {
					return Integer.parseInt(line.substring(8).trim());
				}
			}
			return -1;
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

	/**
	 * A load generator JVM.
	 */
	static final class Load implements AutoCloseable {

		final Process process;

		private final Writer stdin;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		Load(List<String> command, Path log) throws IOException {
			this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			this.stdin = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// process gone
				}
			}, "loadgen-reader");
			reader.setDaemon(true);
			reader.start();
		}

		Map<String, String> command(String command, String answerPrefix, Duration timeout) throws Exception {
			if (command != null) {
				this.stdin.write(command + "\n");
				this.stdin.flush();
			}
			return await(answerPrefix, timeout);
		}

		Map<String, String> await(String prefix, Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				String line = this.lines.poll(Math.max(1, left), TimeUnit.NANOSECONDS);
				if (line == null) {
					throw new IllegalStateException("load generator: no '" + prefix + "' within " + timeout);
				}
				if (line.startsWith(prefix)) {
					return parse(line.substring(prefix.length()));
				}
			}
		}

		@Override
		public void close() throws InterruptedException {
			try {
				this.stdin.write("quit\n");
				this.stdin.flush();
			}
			catch (IOException ex) {
				// already gone
			}
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

	static Map<String, String> parse(String text) {
		Map<String, String> values = new HashMap<>();
		for (String token : text.split("[\\s]+")) {
			int equals = token.indexOf('=');
			if (equals > 0) {
				values.put(token.substring(0, equals), token.substring(equals + 1));
			}
		}
		return values;
	}

}
