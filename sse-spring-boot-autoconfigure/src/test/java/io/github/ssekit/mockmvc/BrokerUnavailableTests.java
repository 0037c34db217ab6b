package io.github.ssekit.mockmvc;

import java.util.Map;

import io.github.ssekit.SseEvent;
import io.github.ssekit.channel.SseBrokerException;
import io.github.ssekit.channel.SseChannelBroker;
import io.github.ssekit.channel.SseChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A broker failure inside a request, here a publish from an ordinary controller while the
 * broker cannot store events: {@code 503} with {@code Retry-After} and a Problem Detail
 * that keeps the broker's own error out of the response and out of the logs.
 *
 * @author ssekit
 */
@WebMvcTest(controllers = BrokerUnavailableTests.PublishController.class)
@Import(BrokerUnavailableTests.PublishController.class)
@ExtendWith(OutputCaptureExtension.class)
class BrokerUnavailableTests {

	@Autowired
	MockMvc mvc;

	@Test
	void publishWhileTheBrokerIsDownIs503WithRetryAfterAndAProblemDetail(CapturedOutput output) throws Exception {
		this.mvc.perform(post("/publish"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "1"))
			.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
			.andExpect(jsonPath("$.title").value("Channel broker unavailable"))
			.andExpect(jsonPath("$.status").value(503))
			.andExpect(content().string(not(containsString("10.0.0.7"))));
		assertThat(output).doesNotContain(" ERROR ").doesNotContain("10.0.0.7");
	}

	@RestController
	static class PublishController {

		private final SseChannels channels;

		PublishController(SseChannels channels) {
			this.channels = channels;
		}

		@PostMapping("/publish")
		Map<String, String> publish() {
			return Map.of("id", String.valueOf(this.channels.channel("news").publish(SseEvent.of("hello")).id()));
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class DownBroker {

		@Bean
		SseChannelBroker downBroker() {
			return new SseChannelBroker() {

				@Override
				public SseEvent publish(String channel, SseEvent event) {
					throw new SseBrokerException(
							"Could not publish on channel '" + channel + "': Redis at 10.0.0.7:6379 is unavailable");
				}

				@Override
				public Registration listen(String channel, Listener listener) {
					return () -> {
					};
				}

				@Override
				public Replay replay(String channel, String lastEventId) {
					throw new SseBrokerException("down");
				}

				@Override
				public long historySize(String channel) {
					return 0;
				}

			};
		}

	}

}
