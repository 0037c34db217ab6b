/**
 * Actuator endpoint that lists channels and open streams, registered by the
 * auto-configuration. Internal.
 */
@NullMarked
package io.github.ssekit.actuate;

import org.jspecify.annotations.NullMarked;
