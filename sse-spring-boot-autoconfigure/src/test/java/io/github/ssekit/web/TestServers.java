package io.github.ssekit.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the integration tests' applications on a free port of a chosen servlet
 * container.
 *
 * @author ssekit
 */
final class TestServers {

	private TestServers() {
	}

	/**
	 * Run an application on a free port.
	 * @param application the application's configuration
	 * @param container the configuration that selects the servlet container
	 * @param properties extra properties, {@code name=value}
	 * @return the running application
	 */
	static ConfigurableApplicationContext run(Class<?> application, Class<?> container, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(application, container).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
