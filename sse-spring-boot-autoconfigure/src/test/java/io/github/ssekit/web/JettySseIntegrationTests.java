package io.github.ssekit.web;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Stream behaviour on Jetty 12.
 *
 * @author ssekit
 */
class JettySseIntegrationTests extends AbstractSseIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return JettyConfiguration.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class JettyConfiguration {

		@Bean
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			return new JettyServletWebServerFactory();
		}

	}

}
