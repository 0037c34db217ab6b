package io.github.ssekit.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Classpaths written by the build ({@code target/classpath.txt} of each module).
 *
 * @author ssekit
 */
final class Classpaths {

	private Classpaths() {
	}

	static String forServer(Path root, String kind) throws IOException {
		if ("webflux".equals(kind)) {
			return module(root, "bench-webflux");
		}
		StringBuilder classpath = new StringBuilder();
		for (String entry : module(root, "bench-servlet").split(":")) {
			boolean jetty = entry.contains("/org/eclipse/jetty/") || entry.contains("spring-boot-jetty")
					|| entry.contains("spring-boot-starter-jetty");
			boolean tomcat = entry.contains("/org/apache/tomcat/") || entry.contains("spring-boot-tomcat")
					|| entry.contains("spring-boot-starter-tomcat");
			if (("tomcat".equals(kind) && jetty) || ("jetty".equals(kind) && tomcat)) {
				continue;
			}
			if (classpath.length() > 0) {
				classpath.append(':');
			}
			classpath.append(entry);
		}
		return classpath.toString();
	}

	static String forLoadGen(Path root) throws IOException {
		return module(root, "bench-loadgen");
	}

	static String forJmh(Path root) throws IOException {
		return module(root, "bench-jmh");
	}

	private static String module(Path root, String module) throws IOException {
		Path target = root.resolve("sse-benchmarks").resolve(module).resolve("target");
		return target.resolve("classes") + ":" + Files.readString(target.resolve("classpath.txt")).trim();
	}

}
