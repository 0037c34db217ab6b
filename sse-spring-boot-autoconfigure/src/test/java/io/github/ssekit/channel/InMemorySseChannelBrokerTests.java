package io.github.ssekit.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannelBroker.Registration;
import io.github.ssekit.channel.SseChannelBroker.Replay;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemorySseChannelBroker}.
 *
 * @author ssekit
 */
class InMemorySseChannelBrokerTests {

	private final MutableClock clock = new MutableClock();

	private final InMemorySseChannelBroker broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5), this.clock);

	@Test
	void idsAreStartMillisAndIncreasingSequence() {
		List<String> ids = publish(5);
		assertThat(ids).allSatisfy((id) -> assertThat(SseEventIds.millis(id)).isEqualTo(this.broker.start()));
		for (int i = 1; i < ids.size(); i++) {
			assertThat(SseEventIds.compare(ids.get(i - 1), ids.get(i))).isNegative();
		}
	}

	@Test
	void eventWithIdIsRejectedNamingTheField() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.broker.publish("c", SseEvent.builder().id("1").data("x").build()))
			.withMessageContaining("'id'");
	}

	@Test
	void replayFromAnIdInHistoryReturnsExactlyTheEventsAfterIt() {
		List<String> ids = publish(15);
		Replay replay = this.broker.replay("c", ids.get(7));
		assertThat(replay.historyLost()).isFalse();
		assertThat(replay.events()).extracting(SseEvent::data).containsExactly("9", "10", "11", "12", "13", "14", "15");
		assertThat(replay.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(8, 15));
	}

	@Test
	void replayFromAnEvictedIdIsLost() {
		List<String> ids = publish(15);
		assertThat(this.broker.historySize("c")).isEqualTo(10);
		assertThat(this.broker.replay("c", ids.get(2)).historyLost()).isTrue();
		assertThat(this.broker.replay("c", ids.get(4)).historyLost()).isTrue();
		assertThat(this.broker.replay("c", ids.get(5)).events()).hasSize(9);
	}

	@Test
	void replayFromTheNewestIdIsEmpty() {
		List<String> ids = publish(15);
		Replay replay = this.broker.replay("c", ids.get(14));
		assertThat(replay.historyLost()).isFalse();
		assertThat(replay.events()).isEmpty();
	}

	@Test
	void replayFromAnIdOfAnotherRunIsLost() {
		InMemorySseChannelBroker before = new InMemorySseChannelBroker(10, Duration.ofMinutes(5), this.clock);
		String oldId = before.publish("c", SseEvent.of("old")).id();
		publish(3);
		assertThat(this.broker.start()).isNotEqualTo(before.start());
		assertThat(this.broker.replay("c", oldId).historyLost()).isTrue();
	}

	@Test
	void replayFromMalformedOrUnknownIdsIsLost() {
		List<String> ids = publish(3);
		long start = this.broker.start();
		assertThat(this.broker.replay("c", "").historyLost()).isTrue();
		assertThat(this.broker.replay("c", "42").historyLost()).isTrue();
		assertThat(this.broker.replay("c", "abc-1").historyLost()).isTrue();
		assertThat(this.broker.replay("c", start + "-999").historyLost()).isTrue();
		assertThat(this.broker.replay("other", ids.get(0)).events()).as("a position on a channel without events")
			.isEmpty();
	}

	@Test
	void positionOfAnEmptyChannelResumesExactlyTheEventsAfterIt() {
		String position = this.broker.position("c");
		List<String> ids = publish(3);
		assertThat(SseEventIds.compare(position, ids.get(0))).isNegative();
		Replay replay = this.broker.replay("c", position);
		assertThat(replay.historyLost()).isFalse();
		assertThat(replay.events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
		assertThat(this.broker.position("c")).isEqualTo(ids.get(2));
	}

	@Test
	void positionIsLostOnceAnEventAfterItIsTrimmed() {
		String position = this.broker.position("c");
		publish(10);
		assertThat(this.broker.replay("c", position).events()).hasSize(10);
		publish(1);
		assertThat(this.broker.replay("c", position).historyLost()).isTrue();
	}

	@Test
	void positionSurvivesTheReleaseOfAnIdleChannel() {
		String quiet = this.broker.position("c");
		assertThat(this.broker.historySize("c")).isZero();
		assertThat(this.broker.channels()).doesNotContain("c");
		List<String> ids = publish(2);
		assertThat(this.broker.replay("c", quiet).events()).extracting(SseEvent::id).containsExactlyElementsOf(ids);
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(this.broker.historySize("c")).as("expired, then released").isZero();
		assertThat(this.broker.replay("c", quiet).historyLost()).isTrue();
		assertThat(this.broker.replay("c", ids.get(1)).historyLost()).isTrue();
		String later = this.broker.position("c");
		assertThat(this.broker.replay("c", later).historyLost()).isFalse();
	}

	@Test
	void positionWithoutHistoryIsLostOnceAnEventIsPublished() {
		InMemorySseChannelBroker noHistory = new InMemorySseChannelBroker(0, Duration.ofMinutes(5), this.clock);
		String position = noHistory.position("c");
		assertThat(noHistory.replay("c", position).historyLost()).isFalse();
		noHistory.publish("c", SseEvent.of("x"));
		assertThat(noHistory.replay("c", position).historyLost()).isTrue();
	}

	@Test
	void eventsOlderThanMaxAgeLeaveTheHistory() {
		List<String> ids = publish(3);
		this.clock.advance(Duration.ofMinutes(4));
		this.broker.publish("c", SseEvent.of("4"));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.broker.historySize("c")).isEqualTo(1);
		assertThat(this.broker.replay("c", ids.get(2)).historyLost()).isTrue();
	}

	@Test
	void zeroMaxEventsKeepsNoHistory() {
		InMemorySseChannelBroker none = new InMemorySseChannelBroker(0, Duration.ofMinutes(5));
		String id = none.publish("c", SseEvent.of("x")).id();
		assertThat(none.historySize("c")).isZero();
		assertThat(none.replay("c", id).historyLost()).isTrue();
	}

	@Test
	void listenerReceivesEventsInIdOrderUntilClosed() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		Registration registration = this.broker.listen("c", (event) -> received.add(event.id()));
		ExecutorService publishers = Executors.newFixedThreadPool(4);
		CountDownLatch done = new CountDownLatch(4);
		for (int t = 0; t < 4; t++) {
			publishers.execute(() -> {
				for (int i = 0; i < 250; i++) {
					this.broker.publish("c", SseEvent.of("x"));
				}
				done.countDown();
			});
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		publishers.shutdown();
		assertThat(received).hasSize(1000);
		for (int i = 1; i < received.size(); i++) {
			assertThat(SseEventIds.compare(received.get(i - 1), received.get(i))).isNegative();
		}
		registration.close();
		this.broker.publish("c", SseEvent.of("after"));
		assertThat(received).hasSize(1000);
	}

	@Test
	void idleChannelIsReleasedAndItsIdsAreNotReused() {
		InMemorySseChannelBroker broker = new InMemorySseChannelBroker(10, Duration.ofMinutes(5), this.clock);
		String first = broker.publish("c", SseEvent.of("x")).id();
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(broker.historySize("c")).isZero();
		assertThat(broker.channels()).isEmpty();
		String second = broker.publish("c", SseEvent.of("y")).id();
		assertThat(SseEventIds.compare(first, second)).isNegative();
	}

	private List<String> publish(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			ids.add(this.broker.publish("c", SseEvent.of(Integer.toString(i))).id());
		}
		return ids;
	}

	static final class MutableClock extends Clock {

		private volatile Instant now = Instant.now();

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
