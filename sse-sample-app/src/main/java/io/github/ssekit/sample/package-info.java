/**
 * The ssekit sample application.
 */
@NullMarked
package io.github.ssekit.sample;

import org.jspecify.annotations.NullMarked;
