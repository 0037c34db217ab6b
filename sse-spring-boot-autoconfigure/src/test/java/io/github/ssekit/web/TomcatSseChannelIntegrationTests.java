package io.github.ssekit.web;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Channels on Tomcat, with a small socket send buffer.
 *
 * @author ssekit
 */
class TomcatSseChannelIntegrationTests extends AbstractSseChannelIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return SmallBufferTomcatConfiguration.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class SmallBufferTomcatConfiguration {

		@Bean
		TomcatServletWebServerFactory tomcatServletWebServerFactory() {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			factory.addConnectorCustomizers((connector) -> connector.setProperty("socket.txBufSize", "4096"));
			return factory;
		}

	}

}
