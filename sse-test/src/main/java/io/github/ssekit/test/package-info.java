/**
 * Test support for applications that serve Server-Sent Events: {@link SseTestClient}
 * connects to a running application and asserts on the events it streams, with deadlines;
 * {@link SseMockMvc} reads the events of a MockMvc result. Needs AssertJ, and for
 * {@code SseMockMvc} spring-test, on the class path (as {@code spring-boot-starter-test}
 * provides).
 */
@NullMarked
package io.github.ssekit.test;

import org.jspecify.annotations.NullMarked;
