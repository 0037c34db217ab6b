package io.github.ssekit.sample;

import java.util.List;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseMessageAssert;
import io.github.ssekit.test.SseMockMvc;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample's stream controllers tested the way teams test controllers: a
 * {@code @WebMvcTest} slice and MockMvc, no server and no extra configuration. A stream
 * that ends by itself ({@code /tokens}) is the async result of its request; the others
 * stay open, so their events are read while they run ({@link SseMockMvc#awaitEvents}) and
 * the client then leaves ({@link SseMockMvc#disconnect}).
 *
 * @author ssekit
 */
@WebMvcTest(controllers = { ChatController.class, CounterController.class, TokensController.class },
		properties = { "sample.counter.interval=10ms", "sample.tokens.delay=1ms" })
@Import({ Ticker.class, TokenStreamRecorder.class, SecurityConfiguration.class })
class ControllerSliceTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	CounterController counter;

	@Test
	void theTokensOfTheAnswerEndWithDone() throws Exception {
		MvcResult result = this.mvc.perform(get("/tokens")).andExpect(request().asyncStarted()).andReturn();
		this.mvc.perform(asyncDispatch(result)).andExpect(status().isOk());
		List<SseMessage> events = SseMockMvc.events(result);
		assertThat(events).last()
			.isEqualTo(new SseMessage("done", Integer.toString(TokensController.TOKENS.size()), ""));
		assertThat(events.subList(0, events.size() - 1)).extracting(SseMessage::data)
			.containsExactlyElementsOf(TokensController.TOKENS);
	}

	@Test
	void aDirectMessageReachesItsRecipientAndAReconnectReplaysWhatWasMissed() throws Exception {
		MvcResult erin = this.mvc.perform(get("/chat/sse").param("username", "erin"))
			.andExpect(request().asyncStarted())
			.andExpect(content().contentType(MediaType.TEXT_EVENT_STREAM))
			.andReturn();
		this.mvc.perform(post("/chat/direct").param("from", "frank").param("to", "erin").param("message", "hi"))
			.andExpect(status().isOk());
		SseMessage first = SseMockMvc.awaitEvents(erin, 1).get(0);
		SseMessageAssert.assertThat(first).hasType("direct").hasDataContaining("\"message\":\"hi\"");
		SseMockMvc.disconnect(erin);

		this.mvc.perform(post("/chat/direct").param("from", "frank").param("to", "erin").param("message", "again"));
		MvcResult back = this.mvc
			.perform(get("/chat/sse").param("username", "erin").header("Last-Event-ID", first.lastEventId()))
			.andReturn();
		SseMessageAssert.assertThat(SseMockMvc.awaitEvents(back, 1).get(0)).hasDataContaining("\"message\":\"again\"");
		SseMockMvc.disconnect(back);
	}

	@Test
	void aListenerWithoutAUsernameIsABadRequest() throws Exception {
		this.mvc.perform(get("/chat/sse"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.parameter").value("username"));
	}

	@Test
	void theCounterResumesAfterTheLastEventIdAndItsStreamEndsWhenTheClientLeaves() throws Exception {
		MvcResult result = this.mvc.perform(get("/counter").header("Last-Event-ID", "41"))
			.andExpect(request().asyncStarted())
			.andReturn();
		List<SseMessage> events = SseMockMvc.awaitEvents(result, 3);
		assertThat(events.subList(0, 3)).extracting(SseMessage::data).containsExactly("42", "43", "44");
		assertThat(this.counter.openStreams()).isOne();
		SseMockMvc.disconnect(result);
		assertThat(this.counter.openStreams()).isZero();
	}

	@Test
	void aNegativeLastEventIdIsABadRequest() throws Exception {
		this.mvc.perform(get("/counter").header("Last-Event-ID", "-1")).andExpect(status().isBadRequest());
	}

}
