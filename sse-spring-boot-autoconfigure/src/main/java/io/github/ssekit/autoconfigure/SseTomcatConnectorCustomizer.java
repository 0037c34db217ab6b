package io.github.ssekit.autoconfigure;

import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.util.unit.DataSize;

/**
 * Applies {@code sse.tomcat.*} to Tomcat's connector: the socket read and write buffers
 * and the trailer buffer that every connection holds for as long as it is open, which for
 * an event stream is its whole life. Settings that are not set are left as Tomcat has
 * them. A factory customizer rather than a connector customizer bean, so that it also
 * reaches a Tomcat factory the application declares itself.
 *
 * @author ssekit
 */
final class SseTomcatConnectorCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

	private final SseProperties.Tomcat properties;

	SseTomcatConnectorCustomizer(SseProperties.Tomcat properties) {
		this.properties = properties;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		if (this.properties.getSocketReadBufferSize() != null || this.properties.getSocketWriteBufferSize() != null
				|| this.properties.getMaxTrailerSize() != null) {
			factory.addConnectorCustomizers(this::customize);
		}
	}

	void customize(Connector connector) {
		set(connector, "socket.appReadBufSize", this.properties.getSocketReadBufferSize());
		set(connector, "socket.appWriteBufSize", this.properties.getSocketWriteBufferSize());
		set(connector, "maxTrailerSize", this.properties.getMaxTrailerSize());
	}

	private static void set(Connector connector, String name, @Nullable DataSize size) {
		if (size != null && !connector.setProperty(name, String.valueOf(size.toBytes()))) {
			throw new IllegalStateException("Tomcat's protocol handler " + connector.getProtocolHandlerClassName()
					+ " does not take the property '" + name + "'");
		}
	}

}
