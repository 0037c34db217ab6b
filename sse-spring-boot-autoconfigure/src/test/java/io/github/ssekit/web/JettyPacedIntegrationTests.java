package io.github.ssekit.web;

/**
 * Back-pressure on Jetty 12, with a small socket send buffer.
 *
 * @author ssekit
 */
class JettyPacedIntegrationTests extends AbstractPacedIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return JettySseChannelIntegrationTests.SmallBufferJettyConfiguration.class;
	}

}
