package io.github.ssekit.web;

import java.lang.reflect.Method;

import io.github.ssekit.LastEventId;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LastEventIdArgumentResolver}: what it accepts and what it answers with
 * a 400 Problem Detail, without ever quoting the value.
 *
 * @author ssekit
 */
class LastEventIdArgumentResolverTests {

	private final LastEventIdArgumentResolver resolver = new LastEventIdArgumentResolver("lastEventId", 32);

	@Test
	void controlCharacterInHeaderIsRejectedWithoutQuotingTheValue() throws Exception {
		for (String controls : new String[] { "\r\nFAKE", "\u0000", "\u001b[31m", "\u007f" }) {
			assertThatExceptionOfType(InvalidLastEventIdException.class)
				.isThrownBy(() -> resolve(withHeader("S3CRET" + controls)))
				.satisfies((ex) -> assertThat(ex.getBody().getDetail())
					.isEqualTo("Last-Event-ID must not contain control characters"))
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("S3CRET"));
		}
	}

	@Test
	void tabAndNonAsciiCharactersAreAccepted() throws Exception {
		assertThat(resolve(withHeader("a\tb"))).isEqualTo("a\tb");
		assertThat(resolve(withHeader("café-1"))).isEqualTo("café-1");
	}

	@Test
	void lineBreakInQueryParameterIsRejected() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setParameter("lastEventId", "S3CRET\r\nFAKE");
		assertThatExceptionOfType(InvalidLastEventIdException.class).isThrownBy(() -> resolve(request));
	}

	@Test
	void containerFailureToDecodeTheParametersIsAnInvalidRequestWithoutTheContainerMessage() {
		MockHttpServletRequest request = new MockHttpServletRequest() {

			@Override
			public String getParameter(String name) {
				throw new org.apache.tomcat.util.http.InvalidParameterException(
						"Character decoding failed. Parameter [x] with value [S3CRET%ff] has been ignored.");
			}

		};
		assertThatExceptionOfType(InvalidRequestParametersException.class).isThrownBy(() -> resolve(request))
			.satisfies((ex) -> assertThat(ex).hasNoCause())
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("S3CRET"));
	}

	@Test
	void otherFailuresOfTheRequestArePassedOn() {
		MockHttpServletRequest request = new MockHttpServletRequest() {

			@Override
			public String getParameter(String name) {
				throw new IllegalStateException("not a decoding failure");
			}

		};
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> resolve(request))
			.withMessage("not a decoding failure");
	}

	private static MockHttpServletRequest withHeader(String value) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader(LastEventIdArgumentResolver.HEADER, value);
		return request;
	}

	private @Nullable Object resolve(MockHttpServletRequest request) throws Exception {
		Method method = getClass().getDeclaredMethod("handler", String.class);
		return this.resolver.resolveArgument(new MethodParameter(method, 0), null, new ServletWebRequest(request),
				null);
	}

	@SuppressWarnings("unused")
	private void handler(@LastEventId @Nullable String lastEventId) {
	}

}
