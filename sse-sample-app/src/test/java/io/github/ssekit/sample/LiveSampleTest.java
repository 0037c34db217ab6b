package io.github.ssekit.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * The running sample on a random port, shared by all end-to-end test classes (one
 * application context): short heartbeats, response compression on (as behind many
 * deployments; streams must never be compressed, or browsers see nothing until a buffer
 * fills), a {@link LastEventIdRecorder} and a {@link QuietStreamController}.
 *
 * @author ssekit
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.heartbeat.interval=200ms", "server.compression.enabled=true",
				"server.compression.min-response-size=1" })
@Import({ LastEventIdRecorder.class, QuietStreamController.class })
@interface LiveSampleTest {

}
