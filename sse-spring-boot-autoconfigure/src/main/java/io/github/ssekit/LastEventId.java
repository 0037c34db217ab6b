package io.github.ssekit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a controller method parameter to the {@code Last-Event-ID} request header that a
 * reconnecting client sends.
 * <p>
 * Supported parameter types: {@link String} ({@code null} when absent),
 * {@link java.util.Optional Optional&lt;String&gt;}, and {@code long}/{@link Long}
 * (converted; {@code long} is {@code 0} when absent). When
 * {@code sse.last-event-id.query-parameter} is set, a query parameter of that name is
 * read when the header is absent, for first connections and polyfills that cannot set
 * headers. A value longer than {@code sse.last-event-id.max-length}, one holding a
 * control character other than a tab (no {@code EventSource} sends CR, LF or NUL), a
 * non-numeric value for a numeric parameter, and query parameters the servlet container
 * cannot decode are answered with a 400 Problem Detail that never quotes the value; the
 * value is never logged.
 *
 * @author ssekit
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LastEventId {

}
