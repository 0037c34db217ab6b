package io.github.ssekit.web;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Channels on Jetty 12, with a small socket send buffer.
 *
 * @author ssekit
 */
class JettySseChannelIntegrationTests extends AbstractSseChannelIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return SmallBufferJettyConfiguration.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class SmallBufferJettyConfiguration {

		@Bean
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
			factory.addServerCustomizers((server) -> {
				for (Connector connector : server.getConnectors()) {
					if (connector instanceof ServerConnector serverConnector) {
						serverConnector.setAcceptedSendBufferSize(4096);
					}
				}
			});
			return factory;
		}

	}

}
