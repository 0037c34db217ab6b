package io.github.ssekit.channel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.github.ssekit.SseEvent;
import io.github.ssekit.stream.FanOutStream;
import org.jspecify.annotations.Nullable;

/**
 * Joins a stream to several channels as one: every channel buffers live events for it
 * while the broker is asked where it resumes on each, then the lost-history signals go
 * out, then the missed events of all the channels merged in id order (the order they were
 * published in, with the in-memory broker, and to the millisecond with Redis), then what
 * each channel buffered, and the stream turns live. Last comes an event with no data
 * whose id is the stream's cursor: a client takes it as its last event id without
 * dispatching anything, so it resumes exactly even before its first event.
 *
 * @author ssekit
 */
final class MultiChannelSubscription {

	private static final SseEvent POSITION_EVENT = SseEvent.builder().id("").build();

	private static final byte[] POSITION_EVENT_BODY = { '\n' };

	private final StreamCursor cursor;

	private final DefaultSseChannels channels;

	MultiChannelSubscription(StreamCursor cursor, DefaultSseChannels channels) {
		this.cursor = cursor;
		this.channels = channels;
	}

	/**
	 * Join every channel and hand the stream over.
	 * @param positions the client's cursor, or {@code null} when it sent none or one that
	 * is not a cursor
	 * @param resuming whether the client sent a {@code Last-Event-ID}
	 */
	void start(@Nullable Map<Long, String> positions, boolean resuming) {
		try {
			handOver(positions, resuming);
		}
		catch (RuntimeException ex) {
			// never leave the stream pending in some channels, buffering for ever
			this.cursor.stream().close();
			throw ex;
		}
	}

	private void handOver(@Nullable Map<Long, String> positions, boolean resuming) {
		int size = this.cursor.size();
		DefaultSseChannel[] joined = new DefaultSseChannel[size];
		ChannelSubscriber[] subscribers = new ChannelSubscriber[size];
		for (int i = 0; i < size; i++) {
			ChannelSubscriber subscriber = null;
			while (subscriber == null) {
				joined[i] = this.channels.defaultChannel(this.cursor.channel(i));
				subscriber = joined[i].join(this.cursor, i);
			}
			subscribers[i] = subscriber;
		}
		List<Replayed> replayed = new ArrayList<>();
		DefaultSseChannel.Resume[] resumes = new DefaultSseChannel.Resume[size];
		for (int i = 0; i < size; i++) {
			String resumeFrom = (positions != null) ? this.cursor.resumeFrom(positions, i) : null;
			resumes[i] = joined[i].resume(subscribers[i], resumeFrom, resuming);
			for (ChannelEvent event : resumes[i].events()) {
				replayed.add(new Replayed(i, event));
			}
		}
		replayed.sort(Comparator.comparingLong((Replayed event) -> event.event().millis())
			.thenComparingLong((event) -> event.event().sequence()));
		List<FanOutStream> drains = new ArrayList<>(1);
		for (int i = 0; i < size; i++) {
			joined[i].start(subscribers[i], resumes[i], drains);
		}
		for (Replayed event : replayed) {
			joined[event.index()].deliverReplayed(subscribers[event.index()], event.event(), drains);
		}
		for (int i = 0; i < size; i++) {
			joined[i].goLive(subscribers[i], drains);
		}
		this.cursor.sendWithCursor(POSITION_EVENT, POSITION_EVENT_BODY, drains);
		drains.forEach(FanOutStream::drain);
	}

	private record Replayed(int index, ChannelEvent event) {
	}

}
