package io.github.ssekit.sample;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Import;

/**
 * {@link AbstractPrivateStreamsTests} on Tomcat.
 *
 * @author ssekit
 */
@Import(TomcatServletWebServerFactory.class)
class TomcatPrivateStreamsTests extends AbstractPrivateStreamsTests {

}
