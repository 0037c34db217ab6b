package io.github.ssekit.mockmvc;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseChannel;
import io.github.ssekit.channel.SseChannels;
import io.github.ssekit.client.SseMessage;
import io.github.ssekit.client.SseParser;
import io.github.ssekit.test.SseMockMvc;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.client.MockMvcWebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A user's {@code @WebMvcTest} of a controller that returns streams, with no extra
 * configuration: the slice brings ssekit's factory, {@code @LastEventId} resolver, return
 * value handler and channels, and the stream writes through MockMvc's response.
 *
 * @author ssekit
 */
@WebMvcTest(StreamsController.class)
class SseWebMvcTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	MockMvcTester tester;

	@Autowired
	SseChannels channels;

	@Test
	void aStreamTheHandlerClosesIsTheAsyncResultWithItsEvents() throws Exception {
		MvcResult result = this.mvc.perform(get("/greetings")).andExpect(request().asyncStarted()).andReturn();
		this.mvc.perform(asyncDispatch(result))
			.andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.TEXT_EVENT_STREAM))
			.andExpect(header().string("Cache-Control", "no-cache"));
		List<SseMessage> events = SseMockMvc.events(result);
		assertThat(events).extracting(SseMessage::lastEventId).containsExactly("1", "2");
		assertThat(events).extracting(SseMessage::type).containsOnly("greeting");
		assertThat(events).extracting(SseMessage::data).containsExactly("hello", "two\nlines");
	}

	@Test
	void aProducerResumesAfterTheLastEventIdAndEndsTheResponseWhenItReturns() throws Exception {
		MvcResult result = this.mvc.perform(get("/count").header("Last-Event-ID", "41"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(result)).andExpect(status().isOk());
		assertThat(SseMockMvc.events(result)).extracting(SseMessage::lastEventId).containsExactly("42", "43", "44");
	}

	@Test
	void aReactiveSourceEndsTheResponseWhenItCompletes() throws Exception {
		MvcResult result = this.mvc.perform(get("/words")).andExpect(request().asyncStarted()).andReturn();
		this.mvc.perform(asyncDispatch(result)).andExpect(status().isOk());
		assertThat(SseMockMvc.events(result)).extracting(SseMessage::data).containsExactly("one", "two", "three");
	}

	@Test
	void anInvalidLastEventIdIsABadRequestWithAProblemDetail() throws Exception {
		this.mvc.perform(get("/count").header("Last-Event-ID", "forty-one"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(400));
	}

	@Test
	void mockMvcTesterWaitsForTheStreamToEnd() {
		MvcTestResult result = this.tester.get().uri("/count").header("Last-Event-ID", "7").exchange();
		assertThat(result).hasStatusOk().hasContentType(MediaType.TEXT_EVENT_STREAM);
		assertThat(SseMockMvc.events(result.getMvcResult())).extracting(SseMessage::data)
			.containsExactly("n8", "n9", "n10");
	}

	@Test
	void mockMvcWebTestClientReadsTheWholeStream() {
		WebTestClient client = MockMvcWebTestClient.bindTo(this.mvc).build();
		byte[] body = client.get()
			.uri("/greetings")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
		assertThat(body).isNotNull();
		assertThat(SseParser.parse(body)).extracting(SseMessage::data).containsExactly("hello", "two\nlines");
	}

	@Test
	void aChannelSubscriptionReplaysAfterTheLastEventIdThenGetsLiveEvents() throws Exception {
		SseChannel channel = this.channels.channel("replayed");
		String first = channel.publish(SseEvent.of("first")).id();
		channel.publish(SseEvent.of("second"));
		channel.publish(SseEvent.of("third"));
		MvcResult result = this.mvc.perform(get("/channels/replayed").header("Last-Event-ID", first))
			.andExpect(request().asyncStarted())
			.andReturn();
		assertThat(SseMockMvc.awaitEvents(result, 2)).extracting(SseMessage::data).containsExactly("second", "third");
		channel.publish(SseEvent.of("live"));
		assertThat(SseMockMvc.awaitEvents(result, 3)).extracting(SseMessage::data).endsWith("live");
		assertThat(channel.subscriberCount()).isOne();
		SseMockMvc.disconnect(result);
		assertThat(channel.subscriberCount()).isZero();
	}

	@Test
	void disconnectClosesTheStreamAndStopsItsProducer() throws Exception {
		StreamsController.producerStopped = new CountDownLatch(1);
		MvcResult result = this.mvc.perform(get("/endless")).andExpect(request().asyncStarted()).andReturn();
		assertThat(SseMockMvc.awaitEvents(result, 3)).extracting(SseMessage::data).startsWith("0", "1", "2");
		SseMockMvc.disconnect(result);
		assertThat(StreamsController.producerStopped.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aStreamThatStaysOpenIsClosedByTheTestTimeoutWithAClearMessage() throws Exception {
		StreamsController.openClosed = new CountDownLatch(1);
		MvcResult result = this.mvc.perform(get("/open")).andExpect(request().asyncStarted()).andReturn();
		assertThat(SseMockMvc.events(result)).extracting(SseMessage::data).containsExactly("waiting");
		assertThat(StreamsController.openClosed.getCount()).isOne();
		assertThatExceptionOfType(ServletException.class).isThrownBy(() -> this.mvc.perform(asyncDispatch(result)))
			.havingRootCause()
			.withMessageContaining("SSE stream was still open 10s after its handler returned")
			.withMessageContaining("sse.stream.max-lifetime");
		assertThat(StreamsController.openClosed.getCount()).isZero();
	}

	@Test
	void disconnectOfAFinishedRequestIsRefused() throws Exception {
		MvcResult result = this.mvc.perform(get("/greetings")).andReturn();
		this.mvc.perform(asyncDispatch(result));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> SseMockMvc.disconnect(result))
			.withMessageContaining("no open SSE stream");
	}

}
