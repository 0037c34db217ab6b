/**
 * A Server-Sent Events client that follows the WHATWG HTML standard (section 9.2,
 * "Server-sent events"), built on {@link java.net.http.HttpClient}.
 * <p>
 * {@link io.github.ssekit.client.SseParser} interprets a {@code text/event-stream} byte
 * stream; {@link io.github.ssekit.client.SseClient} connects, reconnects and delivers
 * {@link io.github.ssekit.client.SseMessage events}.
 */
@NullMarked
package io.github.ssekit.client;

import org.jspecify.annotations.NullMarked;
