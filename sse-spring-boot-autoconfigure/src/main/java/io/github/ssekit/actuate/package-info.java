/**
 * Actuator endpoint that lists channels and open streams.
 */
@NullMarked
package io.github.ssekit.actuate;

import org.jspecify.annotations.NullMarked;
