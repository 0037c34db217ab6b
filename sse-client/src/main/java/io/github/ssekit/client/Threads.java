package io.github.ssekit.client;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Creates the threads that run connections: virtual threads on Java 21 and later,
 * platform daemon threads before.
 */
final class Threads {

	private static final String PREFIX = "sse-client-";

	private static final AtomicInteger counter = new AtomicInteger();

	private static final @Nullable ThreadFactory virtualThreads = virtualThreadFactory();

	private Threads() {
	}

	static ThreadFactory defaultFactory() {
		return (virtualThreads != null) ? virtualThreads : Threads::platformDaemon;
	}

	private static Thread platformDaemon(Runnable task) {
		Thread thread = new Thread(task, PREFIX + counter.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

	private static @Nullable ThreadFactory virtualThreadFactory() {
		try {
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Method name = builderType.getMethod("name", String.class, long.class);
			builder = name.invoke(builder, PREFIX + "virtual-", 1L);
			return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
