package io.github.ssekit.web;

/**
 * Back-pressure on Tomcat, with a small socket send buffer.
 *
 * @author ssekit
 */
class TomcatPacedIntegrationTests extends AbstractPacedIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return TomcatSseChannelIntegrationTests.SmallBufferTomcatConfiguration.class;
	}

}
