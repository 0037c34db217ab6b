/**
 * Auto-configuration for ssekit and its {@code sse.*} properties. Used by Spring Boot;
 * applications configure it through properties and their own beans.
 */
@NullMarked
package io.github.ssekit.autoconfigure;

import org.jspecify.annotations.NullMarked;
