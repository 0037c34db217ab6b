/**
 * Micrometer meters for streams and channels.
 */
@NullMarked
package io.github.ssekit.metrics;

import org.jspecify.annotations.NullMarked;
