package io.github.ssekit.mockmvc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the MockMvc tests, as a user's would be: its controllers are found
 * by component scanning, and {@code @WebMvcTest} picks the one under test.
 *
 * @author ssekit
 */
@SpringBootApplication
class MockMvcTestApplication {

}
