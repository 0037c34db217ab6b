package io.github.ssekit.mockmvc;

import io.github.ssekit.client.SseMessage;
import io.github.ssekit.test.SseMockMvc;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * MockMvc against the whole application ({@code @SpringBootTest} with
 * {@code @AutoConfigureMockMvc}), where the stream's response cannot do non-blocking I/O
 * either.
 *
 * @author ssekit
 */
@SpringBootTest
@AutoConfigureMockMvc
class SseSpringBootMockMvcTests {

	@Autowired
	MockMvc mvc;

	@Test
	void bothFormsOfStreamWorkUnderMockMvc() throws Exception {
		MvcResult greetings = this.mvc.perform(get("/greetings")).andExpect(request().asyncStarted()).andReturn();
		this.mvc.perform(asyncDispatch(greetings)).andExpect(status().isOk());
		assertThat(SseMockMvc.events(greetings)).extracting(SseMessage::data).containsExactly("hello", "two\nlines");

		MvcResult count = this.mvc.perform(get("/count").header("Last-Event-ID", "0"))
			.andExpect(request().asyncStarted())
			.andReturn();
		this.mvc.perform(asyncDispatch(count)).andExpect(status().isOk());
		assertThat(SseMockMvc.events(count)).extracting(SseMessage::lastEventId).containsExactly("1", "2", "3");
	}

}
