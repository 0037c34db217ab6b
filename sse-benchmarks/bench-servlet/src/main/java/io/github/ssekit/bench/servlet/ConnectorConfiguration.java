package io.github.ssekit.bench.servlet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Container settings for the benchmark: room for 20,000 connections and a deep accept
 * queue. The socket send buffer of connections accepted from now on can be shrunk at run
 * time ({@link #setSendBuffer(int)}, from the control endpoint) so that, in the
 * stalled-client scenario, a client that stops reading stalls its stream within a second
 * instead of after megabytes.
 */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

	private static final List<IntConsumer> sendBufferSetters = new CopyOnWriteArrayList<>();

	static void setSendBuffer(int bytes) {
		sendBufferSetters.forEach((setter) -> setter.accept(bytes));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.apache.catalina.connector.Connector")
	static class Tomcat {

		@Bean
		TomcatConnectorCustomizer benchTomcatConnector() {
			return (connector) -> {
				connector.setProperty("acceptCount", "2048");
				sendBufferSetters.add((bytes) -> connector.setProperty("socket.txBufSize", String.valueOf(bytes)));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.eclipse.jetty.server.Server")
	static class Jetty {

		@Bean
		JettyServerCustomizer benchJettyConnector() {
			return (server) -> {
				for (var connector : server.getConnectors()) {
					if (connector instanceof ServerConnector serverConnector) {
						serverConnector.setAcceptQueueSize(2048);
						sendBufferSetters.add(serverConnector::setAcceptedSendBufferSize);
					}
				}
			};
		}

	}

}
