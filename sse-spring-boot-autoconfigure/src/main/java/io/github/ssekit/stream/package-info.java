/**
 * The stream engine, internal to ssekit: each stream's bounded queue and writer, the
 * transport seam to the servlet container, and the registry whose one thread sends
 * heartbeats and enforces lifetimes and limits. Applications use {@code io.github.ssekit}
 * instead; the public types here are the seam that the web and channel packages share.
 */
@NullMarked
package io.github.ssekit.stream;

import org.jspecify.annotations.NullMarked;
