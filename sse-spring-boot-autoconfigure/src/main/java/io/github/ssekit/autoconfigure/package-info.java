/**
 * Auto-configuration for ssekit.
 */
@NullMarked
package io.github.ssekit.autoconfigure;

import org.jspecify.annotations.NullMarked;
