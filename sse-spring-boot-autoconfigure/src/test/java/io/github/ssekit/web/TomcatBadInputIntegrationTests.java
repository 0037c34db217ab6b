package io.github.ssekit.web;

/**
 * Bad input on Tomcat.
 *
 * @author ssekit
 */
class TomcatBadInputIntegrationTests extends AbstractBadInputIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return TomcatSseIntegrationTests.TomcatConfiguration.class;
	}

}
