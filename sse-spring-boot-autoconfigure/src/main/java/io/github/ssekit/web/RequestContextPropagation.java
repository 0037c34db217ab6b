package io.github.ssekit.web;

import io.micrometer.context.ContextSnapshotFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.util.ClassUtils;

/**
 * Carries the request's context (Spring Security's {@code SecurityContext}, Micrometer's
 * observation, whatever else is registered with Micrometer's context-propagation) from
 * the thread that creates a stream to the stream's producer and into a Reactor source's
 * context, the way Spring MVC does for its own reactive return values: a
 * {@link ContextPropagatingTaskDecorator} and {@code contextWrite} of a captured snapshot
 * when context-propagation is present, else Spring Security's
 * {@link DelegatingSecurityContextRunnable} when only it is.
 *
 * @author ssekit
 */
final class RequestContextPropagation {

	private static final ClassLoader CLASS_LOADER = RequestContextPropagation.class.getClassLoader();

	private static final boolean CONTEXT_PROPAGATION = ClassUtils.isPresent("io.micrometer.context.ContextSnapshot",
			CLASS_LOADER);

	private static final boolean REACTOR = ClassUtils.isPresent("reactor.core.publisher.Flux", CLASS_LOADER);

	private static final boolean SECURITY = ClassUtils
		.isPresent("org.springframework.security.concurrent.DelegatingSecurityContextRunnable", CLASS_LOADER);

	private RequestContextPropagation() {
	}

	/**
	 * Return the decorator that gives a producer the creating thread's context.
	 * @return the decorator, or {@code null} when there is nothing to propagate with
	 */
	static @Nullable TaskDecorator producerDecorator() {
		if (CONTEXT_PROPAGATION) {
			return Snapshots.taskDecorator();
		}
		if (SECURITY) {
			return (runnable) -> DelegatingSecurityContextRunnable.create(runnable, null);
		}
		return null;
	}

	/**
	 * Write the current thread's context into a Reactor source's context.
	 * @param source the source
	 * @return the source with the context written, or the source itself
	 */
	static Object withReactorContext(Object source) {
		return (CONTEXT_PROPAGATION && REACTOR) ? Snapshots.writeReactorContext(source) : source;
	}

	/** Touches context-propagation's classes only when it is present. */
	private static final class Snapshots {

		private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

		static TaskDecorator taskDecorator() {
			return new ContextPropagatingTaskDecorator(FACTORY);
		}

		static Object writeReactorContext(Object source) {
			if (source instanceof Mono<?> mono) {
				return mono.contextWrite(FACTORY.captureAll()::updateContext);
			}
			if (source instanceof Flux<?> flux) {
				return flux.contextWrite(FACTORY.captureAll()::updateContext);
			}
			return source;
		}

	}

}
