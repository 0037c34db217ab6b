/**
 * Micrometer meters for streams and channels, bound by the auto-configuration. Internal:
 * applications read the meters, not these types.
 */
@NullMarked
package io.github.ssekit.metrics;

import org.jspecify.annotations.NullMarked;
