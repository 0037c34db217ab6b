/**
 * Channels: named topics that broadcast events to many streams, with a bounded history
 * for {@code Last-Event-ID} replay, behind a broker SPI (in memory, or Redis for several
 * instances).
 */
@NullMarked
package io.github.ssekit.channel;

import org.jspecify.annotations.NullMarked;
