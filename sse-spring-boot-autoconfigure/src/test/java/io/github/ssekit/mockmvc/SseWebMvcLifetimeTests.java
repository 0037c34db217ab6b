package io.github.ssekit.mockmvc;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseMockMvc;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code sse.stream.max-lifetime} in a test ends a stream that stays open, so its async
 * result is a normal end rather than the MockMvc timeout's error.
 *
 * @author ssekit
 */
@WebMvcTest(controllers = StreamsController.class, properties = "sse.stream.max-lifetime=300ms")
class SseWebMvcLifetimeTests {

	@Autowired
	MockMvc mvc;

	@Test
	void aStreamThatStaysOpenEndsNormallyAtItsMaximumLifetime() throws Exception {
		MvcResult result = this.mvc.perform(get("/open")).andExpect(request().asyncStarted()).andReturn();
		this.mvc.perform(asyncDispatch(result)).andExpect(status().isOk());
		assertThat(SseMockMvc.events(result)).extracting(SseMessage::data).containsExactly("waiting");
	}

}
