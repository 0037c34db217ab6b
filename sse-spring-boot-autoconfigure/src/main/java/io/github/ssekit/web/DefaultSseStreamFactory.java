package io.github.ssekit.web;

import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.stream.CloseReason;
import io.github.ssekit.stream.DefaultSseStream;
import io.github.ssekit.stream.SourceSubscriber;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamOptions;
import io.github.ssekit.stream.StreamOwner;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskDecorator;
import org.springframework.util.Assert;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Default {@link SseStreamFactory}: streams registered with a {@link SseStreamRegistry},
 * producers run on an executor that gives each its own thread, with the request's context
 * (its {@code SecurityContext}, its observation) propagated to them and to Reactor
 * sources.
 *
 * @author ssekit
 */
public class DefaultSseStreamFactory implements SseStreamFactory {

	private static final Log logger = LogFactory.getLog(DefaultSseStreamFactory.class);

	private static final String NEVER_RETURNED_CALLBACK = DefaultSseStreamFactory.class.getName() + ".NEVER_RETURNED.";

	private final SseStreamRegistry registry;

	private final StreamOptions options;

	private final Executor producerExecutor;

	private final @Nullable TaskDecorator producerContext = RequestContextPropagation.producerDecorator();

	/**
	 * Create a factory.
	 * @param registry the registry that serves the streams
	 * @param options the options of every stream
	 * @param producerExecutor the executor for producers; it should not be a small
	 * bounded pool, since each producer holds its thread for the stream's lifetime
	 */
	public DefaultSseStreamFactory(SseStreamRegistry registry, StreamOptions options, Executor producerExecutor) {
		this.registry = registry;
		this.options = options;
		this.producerExecutor = producerExecutor;
	}

	@Override
	public SseStream create() {
		return open();
	}

	@Override
	public SseStream create(Producer producer) {
		DefaultSseStream stream = open();
		ProducerRun run = new ProducerRun(stream, producer);
		stream.onClose(run::interruptUnlessSelf);
		try {
			this.producerExecutor.execute((this.producerContext != null) ? this.producerContext.decorate(run) : run);
		}
		catch (RuntimeException ex) {
			// never returned, so never bound: end it now rather than on a bind
			stream.abort(CloseReason.APPLICATION, ex);
			throw ex;
		}
		return stream;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> SseStream from(Object source, @Nullable Function<? super T, SseEvent> mapper,
			@Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent) {
		Assert.notNull(source, "'source' must not be null");
		DefaultSseStream stream = open();
		try {
			new SourceSubscriber(stream, (Function<Object, SseEvent>) mapper, errorEvent)
				.subscribeTo(RequestContextPropagation.withReactorContext(source));
		}
		catch (RuntimeException ex) {
			// never returned, so never bound: end it now rather than on a bind
			stream.abort(CloseReason.APPLICATION, ex);
			throw ex;
		}
		return stream;
	}

	/**
	 * Open a stream for the current request. A stream its handler never returns (the
	 * handler threw after creating it) is closed when the request completes, so it holds
	 * no slot of {@code sse.max-streams} or of the user's limit.
	 */
	private DefaultSseStream open() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		StreamOwner owner = (attributes instanceof ServletRequestAttributes servletAttributes)
				? StreamOwner.of(servletAttributes.getRequest(), this.registry.limitsStreamsPerUser()) : null;
		DefaultSseStream stream = this.registry.open(this.options, owner);
		if (attributes != null) {
			attributes.registerDestructionCallback(
					NEVER_RETURNED_CALLBACK + Integer.toHexString(System.identityHashCode(stream)),
					stream::abortIfUnbound, RequestAttributes.SCOPE_REQUEST);
		}
		return stream;
	}

	@Override
	public int closeStreamsOf(String principalName) {
		Assert.notNull(principalName, "'principalName' must not be null");
		return this.registry.closeStreamsOf(principalName);
	}

	private static final class ProducerRun implements Runnable {

		private final DefaultSseStream stream;

		private final Producer producer;

		private final ReentrantLock lock = new ReentrantLock();

		private @Nullable Thread thread;

		private boolean done;

		ProducerRun(DefaultSseStream stream, Producer producer) {
			this.stream = stream;
			this.producer = producer;
		}

		@Override
		public void run() {
			if (!attach()) {
				return;
			}
			try {
				this.producer.produce(this.stream);
			}
			catch (SseStreamClosedException ex) {
				logger.debug("SSE producer stopped: " + ex.getMessage());
			}
			catch (InterruptedException ex) {
				logger.debug("SSE producer interrupted: the stream closed");
			}
			catch (Throwable ex) {
				if (this.stream.isOpen()) {
					logger.error("SSE producer failed; closing its stream", ex);
				}
				else {
					logger.debug("SSE producer ended after its stream closed: " + ex);
				}
			}
			finally {
				detach();
				this.stream.close();
			}
		}

		private boolean attach() {
			this.lock.lock();
			try {
				if (this.done) {
					return false;
				}
				this.thread = Thread.currentThread();
				this.stream.pacedBy(this.thread);
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		private void detach() {
			this.lock.lock();
			try {
				this.done = true;
				this.thread = null;
				this.stream.pacedBy(null);
				Thread.interrupted();
			}
			finally {
				this.lock.unlock();
			}
		}

		void interruptUnlessSelf() {
			this.lock.lock();
			try {
				this.done = true;
				Thread producerThread = this.thread;
				if (producerThread != null && producerThread != Thread.currentThread()) {
					producerThread.interrupt();
				}
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
