package io.github.ssekit.stream;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.ssekit.SseEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a stream from a reactive source with demand that follows the client: it requests
 * only as many elements as the stream's queue has room for, and more once the writer has
 * drained it. The subscription is cancelled when the stream closes for any reason;
 * completion closes the stream once what was published is written, and an error closes it
 * after an optional final event.
 *
 * @author ssekit
 */
public final class SourceSubscriber implements Flow.Subscriber<Object> {

	private static final Log logger = LogFactory.getLog(SourceSubscriber.class);

	private final DefaultSseStream stream;

	private final @Nullable Function<Object, SseEvent> mapper;

	private final @Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent;

	private final AtomicLong outstanding = new AtomicLong();

	private final AtomicInteger requesting = new AtomicInteger();

	private volatile Flow.@Nullable Subscription subscription;

	/** The thread inside {@code request}, whose elements are drained after it returns. */
	private volatile @Nullable Thread requester;

	private volatile boolean done;

	public SourceSubscriber(DefaultSseStream stream, @Nullable Function<Object, SseEvent> mapper,
			@Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent) {
		this.stream = stream;
		this.mapper = mapper;
		this.errorEvent = errorEvent;
	}

	/**
	 * Subscribe to the source, which must be a {@link Flow.Publisher} or a type that
	 * Spring's {@code ReactiveAdapterRegistry} adapts.
	 * @param source the source
	 */
	public void subscribeTo(Object source) {
		this.stream.onClose(this::cancel);
		ReactiveSources.subscribe(source, this);
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		if (this.subscription != null) {
			subscription.cancel();
			return;
		}
		this.subscription = subscription;
		if (this.done || !this.stream.isOpen()) {
			subscription.cancel();
			return;
		}
		requestMore();
	}

	@Override
	public void onNext(Object item) {
		this.outstanding.decrementAndGet();
		if (this.done) {
			return;
		}
		SseEvent event;
		try {
			event = (this.mapper != null) ? this.mapper.apply(item) : this.stream.toEvent(item);
			if (event == null) {
				throw new IllegalStateException("The SSE source's mapper returned null for an element");
			}
		}
		catch (RuntimeException ex) {
			cancel();
			failed(ex);
			return;
		}
		if (!this.stream.offerDemanded(event, Thread.currentThread() != this.requester)) {
			cancel();
			return;
		}
		if (this.outstanding.get() <= 0) {
			this.stream.onWritable(this::requestMore);
		}
	}

	@Override
	public void onError(Throwable ex) {
		if (!this.done) {
			failed(ex);
		}
	}

	@Override
	public void onComplete() {
		this.done = true;
		this.stream.close();
	}

	/**
	 * Request what the queue has room for, less what was requested and not yet received.
	 * Calls made while one is running make it look again rather than request twice.
	 */
	private void requestMore() {
		if (this.requesting.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Flow.Subscription current = this.subscription;
			if (current != null && !this.done && this.stream.isOpen()) {
				long wanted = this.stream.room() - this.outstanding.get();
				if (wanted > 0) {
					this.outstanding.addAndGet(wanted);
					this.requester = Thread.currentThread();
					try {
						current.request(wanted);
					}
					finally {
						this.requester = null;
					}
					this.stream.drainLater();
				}
				else if (this.outstanding.get() <= 0) {
					this.stream.onWritable(this::requestMore);
				}
			}
			missed = this.requesting.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void failed(Throwable ex) {
		this.done = true;
		if (!this.stream.isOpen()) {
			logger.debug("SSE source failed after its stream closed: " + ex);
			return;
		}
		logger.warn("SSE source failed; closing its stream", ex);
		SseEvent last = null;
		if (this.errorEvent != null) {
			try {
				last = this.errorEvent.apply(ex);
			}
			catch (RuntimeException mappingFailure) {
				logger.warn("SSE source's error event could not be made", mappingFailure);
			}
		}
		if (last != null) {
			this.stream.offerDemanded(last, true);
		}
		this.stream.close();
	}

	private void cancel() {
		this.done = true;
		Flow.Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
	}

}
