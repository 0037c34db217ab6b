/**
 * Redis broker for channels: events and history in Redis Streams, through Lettuce, so
 * several instances of an application share their channels.
 */
@NullMarked
package io.github.ssekit.redis;

import org.jspecify.annotations.NullMarked;
