/**
 * Spring MVC integration: the {@code SseStream} return value handler and its servlet
 * transports, the {@code @LastEventId} argument resolver, Problem Details, the filter and
 * session listener that end streams quietly, and the stream factory. Internal:
 * applications use {@code io.github.ssekit}.
 */
@NullMarked
package io.github.ssekit.web;

import org.jspecify.annotations.NullMarked;
