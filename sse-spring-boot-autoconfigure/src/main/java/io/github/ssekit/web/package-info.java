/**
 * Spring MVC integration: the stream implementation, its non-blocking servlet writer,
 * the shared heartbeat scheduler, and the controller return value and argument
 * handling. Not meant to be used directly by applications.
 */
@NullMarked
package io.github.ssekit.web;

import org.jspecify.annotations.NullMarked;
