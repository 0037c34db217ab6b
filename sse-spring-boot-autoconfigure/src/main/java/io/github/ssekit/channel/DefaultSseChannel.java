package io.github.ssekit.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStream;
import io.github.ssekit.SseStreamClosedException;
import io.github.ssekit.stream.FanOutStream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * {@link SseChannel} over any {@link SseChannelBroker}. Each subscriber remembers the id
 * of the last event it was given and skips events at or before it, so a broker that
 * delivers an event twice, or delivers one a replay already returned, causes no
 * duplicate.
 * <p>
 * A resuming subscriber is first registered as pending: live events are buffered for it
 * while the history is read, then the replay and the buffered events go out, in order and
 * without duplicates, and the subscriber turns live. The broker is never called while the
 * channel lock is held; events are queued under the lock and written after it is
 * released.
 *
 * @author ssekit
 */
final class DefaultSseChannel implements SseChannel {

	private static final Log logger = LogFactory.getLog(DefaultSseChannel.class);

	private static final ChannelSubscriber[] NO_SUBSCRIBERS = {};

	private static final int PARALLEL_DRAIN_SLICE = 256;

	/** More than the prefixes, line ends and a retry field of an event without an id. */
	private static final int FIXED_FIELDS_BOUND = 64;

	private final String name;

	private final SseChannelBroker broker;

	private final DefaultSseChannels owner;

	private final SseEvent historyLostEvent;

	private final ChannelEvent historyLostMarker;

	private final SseEvent cursorHistoryLostEvent;

	private final ReentrantLock lock = new ReentrantLock();

	private final ReentrantLock registrationLock = new ReentrantLock();

	private volatile ChannelSubscriber[] subscribers = NO_SUBSCRIBERS;

	private SseChannelBroker.@Nullable Registration registration;

	private boolean released;

	DefaultSseChannel(String name, SseChannelBroker broker, DefaultSseChannels owner) {
		this.name = name;
		this.broker = broker;
		this.owner = owner;
		this.historyLostEvent = SseEvent.builder().id("").event(HISTORY_LOST_EVENT).data(name).build();
		this.historyLostMarker = new ChannelEvent(this.historyLostEvent);
		this.cursorHistoryLostEvent = SseEvent.builder().event(HISTORY_LOST_EVENT).data(name).build();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public SseEvent publish(SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException(
					"SSE channel event must not have an 'id': channel '" + this.name + "' assigns it");
		}
		checkSize(event);
		SseEvent published = this.broker.publish(this.name, event);
		this.owner.observer().published(this.name);
		return published;
	}

	/**
	 * Refuse an event above the maximum size. The broker stores a copy with its id, so
	 * this event's own encoding would be thrown away: it is made only when a bound from
	 * the fields' lengths (at most 7 bytes a char: 3 for UTF-8, or a line break that
	 * starts another prefixed line) does not already show that the event fits.
	 */
	private void checkSize(SseEvent event) {
		long max = this.owner.maxEventSize();
		long chars = length(event.data()) + length(event.event()) + length(event.comment());
		if (7 * chars + FIXED_FIELDS_BOUND <= max) {
			return;
		}
		int size = event.encoded().length;
		if (size > max) {
			throw new SseEventTooLargeException(this.name, size, max);
		}
	}

	private static long length(@Nullable String text) {
		return (text != null) ? text.length() : 0;
	}

	@Override
	public SseEvent publish(@Nullable String event, Object data) {
		return publish(SseEvent.builder().event(event).data(this.owner.serialize(data)).build());
	}

	@Override
	public void subscribe(SseStream stream, @Nullable String lastEventId) {
		this.owner.authorize(stream, this.name);
		String resumeFrom = (lastEventId != null && !lastEventId.isEmpty()) ? lastEventId : null;
		ChannelSubscriber subscriber = new ChannelSubscriber(stream, resumeFrom != null, null, 0);
		if (!add(subscriber)) {
			// this channel was released meanwhile: the authorizers already allowed it
			this.owner.channel(this.name).subscribe(stream, lastEventId);
			return;
		}
		stream.onClose(() -> unsubscribe(subscriber));
		if (resumeFrom != null) {
			handOver(subscriber, resumeFrom);
		}
	}

	/**
	 * Add one of the subscribers of a stream on several channels, pending: live events
	 * are buffered for it until {@link #goLive}. The caller authorized the stream; it
	 * then calls {@link #resume}, {@link #start}, {@link #deliverReplayed} for the replay
	 * and {@link #goLive}, so that the replays of all the stream's channels go out merged
	 * in id order.
	 * @param cursor the stream's cursor
	 * @param index this channel's index in the cursor
	 * @return the subscriber, or {@code null} if this channel was released meanwhile
	 */
	@Nullable ChannelSubscriber join(StreamCursor cursor, int index) {
		ChannelSubscriber subscriber = new ChannelSubscriber(cursor.stream(), true, cursor, index);
		if (!add(subscriber)) {
			return null;
		}
		cursor.stream().onClose(() -> unsubscribe(subscriber));
		return subscriber;
	}

	/**
	 * Read from the broker where a pending subscriber resumes: the events after the
	 * client's position; for a subscriber of a stream on several channels, when there is
	 * no position or it is lost, the channel's current {@link SseChannelBroker#position
	 * position}. Takes no lock.
	 * @param subscriber the subscriber
	 * @param resumeFrom the channel event id the client stands at, or {@code null}
	 * @param resuming whether the client sent a {@code Last-Event-ID}: without a position
	 * on this channel, its history is then lost
	 * @return the resume
	 */
	Resume resume(ChannelSubscriber subscriber, @Nullable String resumeFrom, boolean resuming) {
		SseChannelBroker.Replay replay = (resumeFrom != null) ? replay(resumeFrom)
				: resuming ? SseChannelBroker.Replay.lost() : SseChannelBroker.Replay.of(List.of());
		String position = (resumeFrom != null && !replay.historyLost()) ? resumeFrom
				: (subscriber.cursor != null) ? position() : null;
		List<ChannelEvent> events = new ArrayList<>(replay.events().size());
		for (SseEvent event : replay.events()) {
			events.add(new ChannelEvent(event));
		}
		return new Resume(events, replay.historyLost(), position);
	}

	/**
	 * Set a joining subscriber's position and tell it if its history is lost.
	 * @param subscriber the subscriber
	 * @param resume where it resumes
	 * @param drains the streams to drain
	 */
	void start(ChannelSubscriber subscriber, Resume resume, List<FanOutStream> drains) {
		this.lock.lock();
		try {
			if (subscriber.removed) {
				return;
			}
			String position = resume.position();
			StreamCursor cursor = subscriber.cursor;
			if (position != null) {
				subscriber.moveTo(position);
				if (cursor != null) {
					cursor.moveTo(subscriber.index, position);
				}
			}
			if (resume.historyLost()) {
				sendHistoryLost(subscriber, drains);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Send a pending subscriber one event of its replay.
	 * @param subscriber the subscriber
	 * @param event the event
	 * @param drains the streams to drain
	 */
	void deliverReplayed(ChannelSubscriber subscriber, ChannelEvent event, List<FanOutStream> drains) {
		this.lock.lock();
		try {
			if (deliver(subscriber, event, drains)) {
				this.owner.observer().replayed(this.name, 1);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Send a joining subscriber what was buffered for it and turn it live.
	 * @param subscriber the subscriber
	 * @param drains the streams to drain
	 */
	void goLive(ChannelSubscriber subscriber, List<FanOutStream> drains) {
		this.lock.lock();
		try {
			if (!subscriber.removed) {
				flushBuffered(subscriber, drains);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public int subscriberCount() {
		return this.subscribers.length;
	}

	@Override
	public long historySize() {
		return this.broker.historySize(this.name);
	}

	@Override
	public String toString() {
		return "SseChannel[" + this.name + ", " + subscriberCount() + " subscriber(s)]";
	}

	/**
	 * Mark the channel released if it has no subscribers, so later subscriptions go to
	 * the channel that replaces it.
	 * @return whether the channel was released
	 */
	boolean releaseIfIdle() {
		this.lock.lock();
		try {
			if (this.subscribers.length == 0) {
				this.released = true;
			}
			return this.released;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean add(ChannelSubscriber subscriber) {
		this.registrationLock.lock();
		try {
			this.lock.lock();
			try {
				if (this.released) {
					return false;
				}
				ChannelSubscriber[] current = this.subscribers;
				ChannelSubscriber[] updated = Arrays.copyOf(current, current.length + 1);
				updated[current.length] = subscriber;
				this.subscribers = updated;
			}
			finally {
				this.lock.unlock();
			}
			if (this.registration == null) {
				try {
					this.registration = this.broker.listen(this.name, new BrokerListener());
				}
				catch (RuntimeException ex) {
					remove(subscriber);
					subscriber.stream.close();
					throw ex;
				}
			}
			return true;
		}
		finally {
			this.registrationLock.unlock();
		}
	}

	private void handOver(ChannelSubscriber subscriber, String lastEventId) {
		Resume resume = resume(subscriber, lastEventId, true);
		List<FanOutStream> drains = new ArrayList<>();
		start(subscriber, resume, drains);
		for (ChannelEvent event : resume.events()) {
			deliverReplayed(subscriber, event, drains);
		}
		goLive(subscriber, drains);
		drainAll(drains);
	}

	private void flushBuffered(ChannelSubscriber subscriber, List<FanOutStream> drains) {
		List<ChannelEvent> buffered = subscriber.buffered;
		subscriber.buffered = null;
		if (buffered != null) {
			for (ChannelEvent event : buffered) {
				if (event == this.historyLostMarker) {
					sendHistoryLost(subscriber, drains);
				}
				else {
					deliver(subscriber, event, drains);
				}
			}
		}
	}

	private SseChannelBroker.Replay replay(String lastEventId) {
		try {
			return this.broker.replay(this.name, lastEventId);
		}
		catch (SseBrokerException ex) {
			logger.warn("Could not read the history of SSE channel '" + this.name + "'; the subscriber is told its"
					+ " history is lost: " + ex.getMessage());
			return SseChannelBroker.Replay.lost();
		}
	}

	private @Nullable String position() {
		try {
			return this.broker.position(this.name);
		}
		catch (SseBrokerException | UnsupportedOperationException ex) {
			logger.debug("No position on SSE channel '" + this.name + "'; a stream on several channels that resumes"
					+ " is told this channel's history is lost: " + ex.getMessage());
			return null;
		}
	}

	private void onEvents(List<SseEvent> events) {
		ChannelEvent[] channelEvents = new ChannelEvent[events.size()];
		for (int i = 0; i < channelEvents.length; i++) {
			channelEvents[i] = new ChannelEvent(events.get(i));
		}
		List<FanOutStream> drains = new ArrayList<>();
		this.lock.lock();
		try {
			for (ChannelSubscriber subscriber : this.subscribers) {
				for (ChannelEvent event : channelEvents) {
					if (subscriber.buffered != null) {
						subscriber.buffered.add(event);
					}
					else {
						deliver(subscriber, event, drains);
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		drainAll(drains);
	}

	private void onHistoryLost() {
		List<FanOutStream> drains = new ArrayList<>();
		this.lock.lock();
		try {
			for (ChannelSubscriber subscriber : this.subscribers) {
				if (subscriber.buffered != null) {
					subscriber.buffered.add(this.historyLostMarker);
				}
				else {
					sendHistoryLost(subscriber, drains);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		drainAll(drains);
	}

	private boolean deliver(ChannelSubscriber subscriber, ChannelEvent event, List<FanOutStream> drains) {
		if (event.event().id() == null || subscriber.removed) {
			return false;
		}
		if (subscriber.positioned && !event.follows(subscriber.lastMillis, subscriber.lastSequence)) {
			return false;
		}
		subscriber.moveTo(event);
		StreamCursor cursor = subscriber.cursor;
		return (cursor != null) ? cursor.send(subscriber.index, event, drains)
				: send(subscriber.stream, subscriber.defaultStream, event.event(), drains);
	}

	private void sendHistoryLost(ChannelSubscriber subscriber, List<FanOutStream> drains) {
		StreamCursor cursor = subscriber.cursor;
		boolean sent = (cursor != null)
				? cursor.sendWithCursor(this.cursorHistoryLostEvent, this.cursorHistoryLostEvent.encoded(), drains)
				: send(subscriber.stream, subscriber.defaultStream, this.historyLostEvent, drains);
		if (sent) {
			this.owner.observer().historyLost(this.name);
		}
	}

	/**
	 * Queue an event on a stream of the engine, to be drained after the caller's lock is
	 * released, or publish it on any other stream.
	 * @param stream the stream
	 * @param fanOut the stream as the engine's, or {@code null}
	 * @param event the event
	 * @param drains the streams to drain
	 * @return whether the stream took the event
	 */
	static boolean send(SseStream stream, @Nullable FanOutStream fanOut, SseEvent event, List<FanOutStream> drains) {
		if (fanOut != null) {
			boolean accepted = fanOut.offer(event);
			drainLater(fanOut, drains);
			return accepted;
		}
		try {
			stream.publish(event);
			return true;
		}
		catch (SseStreamClosedException ex) {
			return false;
		}
	}

	/**
	 * Add a stream to those to drain once the channel's lock is released, unless it was
	 * the last one added.
	 * @param stream the stream
	 * @param drains the streams to drain
	 */
	static void drainLater(FanOutStream stream, List<FanOutStream> drains) {
		if (drains.isEmpty() || drains.get(drains.size() - 1) != stream) {
			drains.add(stream);
		}
	}

	/**
	 * Write what was queued for the given streams. A large fan-out is split into slices
	 * written in parallel: one by the caller, the others on the common fork-join pool
	 * (its size follows the cores, not the streams), so a broadcast is not limited to one
	 * thread's socket writes.
	 */
	private static void drainAll(List<FanOutStream> drains) {
		int size = drains.size();
		int slices = Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, size / PARALLEL_DRAIN_SLICE);
		if (slices < 2) {
			drainSlice(drains);
			return;
		}
		int sliceSize = (size + slices - 1) / slices;
		for (int start = sliceSize; start < size; start += sliceSize) {
			List<FanOutStream> slice = drains.subList(start, Math.min(size, start + sliceSize));
			ForkJoinPool.commonPool().execute(() -> drainSlice(slice));
		}
		drainSlice(drains.subList(0, sliceSize));
	}

	private static void drainSlice(List<FanOutStream> drains) {
		for (FanOutStream stream : drains) {
			try {
				stream.drain();
			}
			catch (RuntimeException ex) {
				logger.debug("SSE stream drain failed: " + ex);
			}
		}
	}

	private void unsubscribe(ChannelSubscriber subscriber) {
		if (!remove(subscriber) || this.lock.isHeldByCurrentThread()) {
			return;
		}
		stopListeningIfIdle();
		if (this.subscribers.length == 0) {
			this.owner.releaseIfIdle(this);
		}
	}

	private boolean remove(ChannelSubscriber subscriber) {
		this.lock.lock();
		try {
			ChannelSubscriber[] current = this.subscribers;
			int index = Arrays.asList(current).indexOf(subscriber);
			if (index < 0) {
				return false;
			}
			ChannelSubscriber[] updated = new ChannelSubscriber[current.length - 1];
			System.arraycopy(current, 0, updated, 0, index);
			System.arraycopy(current, index + 1, updated, index, current.length - index - 1);
			this.subscribers = updated;
			subscriber.removed = true;
			subscriber.buffered = null;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void stopListeningIfIdle() {
		this.registrationLock.lock();
		try {
			if (this.subscribers.length == 0 && this.registration != null) {
				SseChannelBroker.Registration idle = this.registration;
				this.registration = null;
				idle.close();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not stop listening to SSE channel '" + this.name + "'", ex);
		}
		finally {
			this.registrationLock.unlock();
		}
	}

	private final class BrokerListener implements SseChannelBroker.Listener {

		@Override
		public void onEvent(SseEvent event) {
			DefaultSseChannel.this.onEvents(List.of(event));
		}

		@Override
		public void onEvents(List<SseEvent> events) {
			DefaultSseChannel.this.onEvents(events);
		}

		@Override
		public void onHistoryLost() {
			DefaultSseChannel.this.onHistoryLost();
		}

	}

	/**
	 * Where a pending subscriber resumes.
	 *
	 * @param events the events it missed, in order
	 * @param historyLost whether its position could not be resumed
	 * @param position the position it starts from, or {@code null} if unknown
	 */
	record Resume(List<ChannelEvent> events, boolean historyLost, @Nullable String position) {
	}

}
