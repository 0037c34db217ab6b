/**
 * Public API of ssekit: Server-Sent Events streams for Spring MVC controllers.
 */
@NullMarked
package io.github.ssekit;

import org.jspecify.annotations.NullMarked;
