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
 * application context): short heartbeats, a {@link LastEventIdRecorder} and a {@link QuietStreamController}.
 *
 * @author ssekit
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sse.heartbeat.interval=200ms")
@Import({ LastEventIdRecorder.class, QuietStreamController.class })
@interface LiveSampleTest {

}
