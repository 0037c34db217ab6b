/**
 * Public API of ssekit: Server-Sent Events streams for Spring MVC controllers. This is
 * what applications use; every other package is documented as API or as internal.
 */
@NullMarked
package io.github.ssekit;

import org.jspecify.annotations.NullMarked;
