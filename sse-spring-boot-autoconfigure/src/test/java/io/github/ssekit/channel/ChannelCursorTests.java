package io.github.ssekit.channel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChannelCursor}.
 *
 * @author ssekit
 */
class ChannelCursorTests {

	@Test
	void aCursorRoundTripsEveryPosition() {
		byte[][] entries = { ChannelCursor.entry(ChannelCursor.hash("room:42"), "1733580000000-0"), null,
				ChannelCursor.entry(ChannelCursor.hash("user:bob"), Long.MAX_VALUE + "-" + Long.MAX_VALUE) };
		String cursor = ChannelCursor.of(entries);
		assertThat(ChannelCursor.parse(cursor)).containsExactlyInAnyOrderEntriesOf(Map.of(ChannelCursor.hash("room:42"),
				"1733580000000-0", ChannelCursor.hash("user:bob"), Long.MAX_VALUE + "-" + Long.MAX_VALUE));
	}

	@Test
	void theLongestCursorFitsTheDefaultLastEventIdLimit() {
		byte[][] entries = new byte[ChannelCursor.MAX_CHANNELS][];
		for (int i = 0; i < entries.length; i++) {
			entries[i] = ChannelCursor.entry((1L << 40) - 1 - i, Long.MAX_VALUE + "-" + Long.MAX_VALUE);
		}
		String cursor = ChannelCursor.of(entries);
		assertThat(cursor.length()).isLessThanOrEqualTo(ChannelCursor.MAX_LENGTH).isLessThanOrEqualTo(1024);
		assertThat(ChannelCursor.parse(cursor)).hasSize(ChannelCursor.MAX_CHANNELS);
		assertThat(ChannelCursor
			.parse(cursor + "_" + ChannelCursor.of(new byte[][] { ChannelCursor.entry(5, "1-1") }).substring(1)))
			.isNull();
	}

	@Test
	void anEncodedEventCarriesTheCursorAsItsIdLine() {
		byte[][] entries = { ChannelCursor.entry(1, "2-3"), null, ChannelCursor.entry(4, "5-6") };
		byte[] encoded = ChannelCursor.encode(entries, "event: e\ndata: x\n\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(new String(encoded, StandardCharsets.US_ASCII))
			.isEqualTo("id: " + ChannelCursor.of(entries) + "\nevent: e\ndata: x\n\n")
			.startsWith("id: c1.2.3_4.5.6\n");
	}

	@Test
	void anythingElseIsNotACursor() {
		for (String text : List.of("", "c", "1-2", "c1", "c1.2", "c1.2.", "c1.2.3.", "c1.2.3_", "c1.2.3__1.2.3",
				"c-1.2.3", "c1.2.3 ", "C1.2.3", "c1.2.3_1.9.9", "c10000000000.1.1", "c1.zzzzzzzzzzzzz.1",
				"c1.2.3" + "_4.5.6".repeat(3) + "x", "c" + "1".repeat(2000))) {
			assertThat(ChannelCursor.parse(text)).as(text).isNull();
		}
	}

	@Test
	void randomTamperingNeverThrows() {
		Random random = new Random(42);
		String alphabet = "c0123456789az._-~\\u00e9 ";
		String valid = ChannelCursor.of(new byte[][] { ChannelCursor.entry(ChannelCursor.hash("a"), "1-1"),
				ChannelCursor.entry(ChannelCursor.hash("b"), "17335800-12") });
		for (int i = 0; i < 20_000; i++) {
			StringBuilder text = new StringBuilder(valid);
			for (int edits = random.nextInt(4); edits >= 0; edits--) {
				int at = random.nextInt(text.length() + 1);
				if (random.nextBoolean() && at < text.length()) {
					text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
				}
				else {
					text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
				}
			}
			Map<Long, String> positions = ChannelCursor.parse(text.toString());
			if (positions != null) {
				assertThat(positions.values()).allSatisfy((id) -> assertThat(SseEventIds.isValid(id)).isTrue());
			}
		}
	}

}
