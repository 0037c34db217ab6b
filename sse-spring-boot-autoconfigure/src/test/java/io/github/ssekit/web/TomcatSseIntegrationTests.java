package io.github.ssekit.web;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Stream behaviour on Tomcat.
 *
 * @author ssekit
 */
class TomcatSseIntegrationTests extends AbstractSseIntegrationTests {

	@Override
	Class<?> containerConfiguration() {
		return TomcatConfiguration.class;
	}

	@Configuration(proxyBeanMethods = false)
	static class TomcatConfiguration {

		@Bean
		TomcatServletWebServerFactory tomcatServletWebServerFactory() {
			return new TomcatServletWebServerFactory();
		}

	}

}
