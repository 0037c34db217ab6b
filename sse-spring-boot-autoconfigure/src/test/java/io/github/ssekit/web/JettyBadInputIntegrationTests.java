package io.github.ssekit.web;

/**
 * Bad input on Jetty.
 *
 * @author ssekit
 */
class JettyBadInputIntegrationTests extends AbstractBadInputIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return JettySseIntegrationTests.JettyConfiguration.class;
	}

}
