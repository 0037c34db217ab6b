package io.github.ssekit.sample;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.context.annotation.Import;

/**
 * {@link AbstractPrivateStreamsTests} on Jetty.
 *
 * @author ssekit
 */
@Import(JettyServletWebServerFactory.class)
class JettyPrivateStreamsTests extends AbstractPrivateStreamsTests {

}
