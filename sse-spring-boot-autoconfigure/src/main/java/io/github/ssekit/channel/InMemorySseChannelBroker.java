package io.github.ssekit.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.ssekit.SseEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * {@link SseChannelBroker} for a single instance: each channel's history lives in memory,
 * bounded by count and by age, and events reach the listeners of this instance only.
 * <p>
 * Ids are {@code <start>-<sequence>}: {@code start} is the epoch milliseconds at which
 * the broker was created, so ids of an earlier run are never mistaken for ids of this
 * one, and {@code sequence} comes from one counter for the whole broker, so an id is
 * never reused even when an idle channel is released and created again. Per channel the
 * ids are strictly increasing.
 * <p>
 * {@link #publish} appends under a per-channel lock and then delivers outside it, through
 * the channel's outbox: one publishing thread at a time hands the listeners everything
 * appended so far, in id order, so listeners see each channel's events one run at a time
 * and in order, and no lock of the broker is held while they write to their streams. A
 * publish whose event another thread is delivering returns without waiting for it.
 * {@link #listen} and closing a registration take no lock, so a listener may call them. A
 * channel with neither history nor listeners is dropped when its history size is next
 * asked for; the newest sequence it trimmed is remembered (for the most recently dropped
 * {@value #RELEASED_REMEMBERED} channels), so that a {@link #position position} taken
 * before the drop still resumes exactly.
 *
 * @author ssekit
 */
public class InMemorySseChannelBroker implements SseChannelBroker {

	private static final Log logger = LogFactory.getLog(InMemorySseChannelBroker.class);

	private static final AtomicLong lastStart = new AtomicLong();

	private static final int RELEASED_REMEMBERED = 65_536;

	private final ConcurrentHashMap<String, ChannelLog> logs = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final int maxEvents;

	private final long maxAgeMillis;

	private final Clock clock;

	private final long start;

	private final ReleasedChannels released = new ReleasedChannels();

	/**
	 * Create a broker.
	 * @param maxEvents the most events each channel's history holds; {@code 0} keeps no
	 * history
	 * @param maxAge how long an event stays in the history
	 */
	public InMemorySseChannelBroker(int maxEvents, Duration maxAge) {
		this(maxEvents, maxAge, Clock.systemUTC());
	}

	/**
	 * Create a broker with the given clock, for tests.
	 * @param maxEvents the most events each channel's history holds; {@code 0} keeps no
	 * history
	 * @param maxAge how long an event stays in the history
	 * @param clock the clock that dates events and the broker's start
	 */
	public InMemorySseChannelBroker(int maxEvents, Duration maxAge, Clock clock) {
		if (maxEvents < 0) {
			throw new IllegalArgumentException("maxEvents must not be negative, was " + maxEvents);
		}
		if (maxAge.isNegative() || maxAge.isZero()) {
			throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
		}
		this.maxEvents = maxEvents;
		this.maxAgeMillis = maxAge.toMillis();
		this.clock = clock;
		this.start = uniqueStart(clock.millis());
	}

	private static long uniqueStart(long now) {
		return lastStart.updateAndGet((previous) -> Math.max(previous + 1, now));
	}

	/**
	 * Return the time part shared by every id this broker assigns.
	 * @return the epoch milliseconds at which the broker was created
	 */
	public long start() {
		return this.start;
	}

	@Override
	public SseEvent publish(String channel, SseEvent event) {
		if (event.id() != null) {
			throw new IllegalArgumentException("SSE channel event must not have an 'id': the channel assigns it");
		}
		while (true) {
			ChannelLog log = log(channel);
			SseEvent stored = log.store(event);
			if (stored != null) {
				log.deliverOutbox();
				return stored;
			}
		}
	}

	@Override
	public Registration listen(String channel, Listener listener) {
		while (true) {
			ChannelLog log = log(channel);
			log.listeners.add(listener);
			if (!log.released) {
				return () -> log.listeners.remove(listener);
			}
			log.listeners.remove(listener);
			Thread.onSpinWait();
		}
	}

	private ChannelLog log(String channel) {
		return this.logs.computeIfAbsent(channel, (name) -> new ChannelLog(this.released.trimmedThrough(name)));
	}

	/**
	 * Return the id of the channel's newest event or, when its history holds none, an id
	 * taken from the sequence that no event will have.
	 * @param channel the channel name
	 * @return the position
	 */
	@Override
	public String position(String channel) {
		while (true) {
			ChannelLog log = log(channel);
			log.lock.lock();
			try {
				if (!log.released) {
					log.trim(this.clock.millis());
					Stored newest = log.history.peekLast();
					return (newest != null) ? Objects.requireNonNull(newest.event().id())
							: SseEventIds.of(this.start, this.sequence.incrementAndGet());
				}
			}
			finally {
				log.lock.unlock();
			}
		}
	}

	@Override
	public Replay replay(String channel, String lastEventId) {
		if (!SseEventIds.isValid(lastEventId) || SseEventIds.millis(lastEventId) != this.start
				|| SseEventIds.sequence(lastEventId) > this.sequence.get()) {
			return Replay.lost();
		}
		ChannelLog log = this.logs.get(channel);
		if (log == null) {
			boolean complete = SseEventIds.sequence(lastEventId) > this.released.trimmedThrough(channel);
			return complete ? Replay.of(List.of()) : Replay.lost();
		}
		log.lock.lock();
		try {
			log.trim(this.clock.millis());
			return log.after(lastEventId);
		}
		finally {
			log.lock.unlock();
		}
	}

	@Override
	public long historySize(String channel) {
		ChannelLog log = this.logs.get(channel);
		if (log == null) {
			return 0;
		}
		int size;
		log.lock.lock();
		try {
			log.trim(this.clock.millis());
			size = log.history.size();
		}
		finally {
			log.lock.unlock();
		}
		if (size == 0) {
			releaseIfIdle(channel, log);
		}
		return size;
	}

	/**
	 * Return the names of the channels that have a history or a listener.
	 * @return the channel names
	 */
	public List<String> channels() {
		return new ArrayList<>(this.logs.keySet());
	}

	private void releaseIfIdle(String channel, ChannelLog log) {
		log.lock.lock();
		try {
			if (log.released || !log.listeners.isEmpty()) {
				return;
			}
			log.trim(this.clock.millis());
			if (!log.history.isEmpty()) {
				return;
			}
			log.released = true;
			if (!log.listeners.isEmpty()) {
				log.released = false;
				return;
			}
			this.released.remember(channel, log.trimmedThrough);
			this.logs.remove(channel, log);
		}
		finally {
			log.lock.unlock();
		}
	}

	private record Stored(SseEvent event, long sequence, long storedAt) {
	}

	/**
	 * The newest trimmed sequence of each dropped channel, for the most recently dropped
	 * ones; a channel forgotten here is taken to have trimmed everything up to the newest
	 * sequence of those forgotten.
	 */
	private static final class ReleasedChannels {

		private final ReentrantLock lock = new ReentrantLock();

		private final LinkedHashMap<String, Long> trimmedThrough = new LinkedHashMap<>();

		private long forgottenThrough;

		void remember(String channel, long sequence) {
			this.lock.lock();
			try {
				this.trimmedThrough.remove(channel);
				this.trimmedThrough.put(channel, sequence);
				if (this.trimmedThrough.size() > RELEASED_REMEMBERED) {
					Iterator<Map.Entry<String, Long>> oldest = this.trimmedThrough.entrySet().iterator();
					this.forgottenThrough = Math.max(this.forgottenThrough, oldest.next().getValue());
					oldest.remove();
				}
			}
			finally {
				this.lock.unlock();
			}
		}

		long trimmedThrough(String channel) {
			this.lock.lock();
			try {
				Long sequence = this.trimmedThrough.get(channel);
				return (sequence != null) ? sequence : this.forgottenThrough;
			}
			finally {
				this.lock.unlock();
			}
		}

	}

	private final class ChannelLog {

		private final ReentrantLock lock = new ReentrantLock();

		private final ArrayDeque<Stored> history = new ArrayDeque<>();

		private final List<Listener> listeners = new CopyOnWriteArrayList<>();

		/** Events appended and not yet delivered, in id order (added under the lock). */
		private final ConcurrentLinkedQueue<SseEvent> outbox = new ConcurrentLinkedQueue<>();

		private final AtomicBoolean delivering = new AtomicBoolean();

		private volatile boolean released;

		/** The newest sequence trimmed from the history, or that it did not keep. */
		private long trimmedThrough;

		ChannelLog(long trimmedThrough) {
			this.trimmedThrough = trimmedThrough;
		}

		/**
		 * Give the event its id, keep it in the history and put it in the outbox, unless
		 * this log was released.
		 * @return the stored event, or {@code null} if the log was released
		 */
		@Nullable SseEvent store(SseEvent event) {
			this.lock.lock();
			try {
				if (this.released) {
					return null;
				}
				long now = InMemorySseChannelBroker.this.clock.millis();
				SseEvent stored = event.mutate()
					.id(SseEventIds.of(InMemorySseChannelBroker.this.start,
							InMemorySseChannelBroker.this.sequence.incrementAndGet()))
					.build();
				append(stored, now);
				trim(now);
				this.outbox.add(stored);
				return stored;
			}
			finally {
				this.lock.unlock();
			}
		}

		void append(SseEvent event, long now) {
			long sequence = SseEventIds.sequence(Objects.requireNonNull(event.id()));
			if (InMemorySseChannelBroker.this.maxEvents > 0) {
				this.history.addLast(new Stored(event, sequence, now));
			}
			else {
				this.trimmedThrough = sequence;
			}
		}

		void trim(long now) {
			while (this.history.size() > InMemorySseChannelBroker.this.maxEvents) {
				removeOldest();
			}
			long oldest = now - InMemorySseChannelBroker.this.maxAgeMillis;
			while (!this.history.isEmpty() && this.history.peekFirst().storedAt() < oldest) {
				removeOldest();
			}
		}

		private void removeOldest() {
			this.trimmedThrough = this.history.removeFirst().sequence();
		}

		/**
		 * Return the events after an id: it is in the history, or it is a position that
		 * no trimmed event follows.
		 */
		Replay after(String lastEventId) {
			long sequence = SseEventIds.sequence(lastEventId);
			List<SseEvent> events = new ArrayList<>();
			boolean found = false;
			Iterator<Stored> newestFirst = this.history.descendingIterator();
			while (newestFirst.hasNext()) {
				Stored stored = newestFirst.next();
				if (stored.sequence() == sequence) {
					found = true;
					break;
				}
				if (stored.sequence() < sequence) {
					break;
				}
				events.add(stored.event());
			}
			if (!found && sequence <= this.trimmedThrough) {
				return Replay.lost();
			}
			Collections.reverse(events);
			return Replay.of(events);
		}

		/**
		 * Deliver the outbox unless another thread is delivering it; that thread then
		 * looks again before it stops, so nothing appended is left behind.
		 */
		void deliverOutbox() {
			while (!this.outbox.isEmpty() && this.delivering.compareAndSet(false, true)) {
				try {
					List<SseEvent> run = new ArrayList<>();
					SseEvent event;
					while ((event = this.outbox.poll()) != null) {
						run.add(event);
					}
					deliver(run);
				}
				finally {
					this.delivering.set(false);
				}
			}
		}

		private void deliver(List<SseEvent> run) {
			for (Listener listener : this.listeners) {
				try {
					listener.onEvents(run);
				}
				catch (RuntimeException ex) {
					logger.error("SSE channel listener failed", ex);
				}
			}
		}

	}

}
