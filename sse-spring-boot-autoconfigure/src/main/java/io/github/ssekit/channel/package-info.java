/**
 * Channels: named topics that broadcast events to many streams, with a bounded history
 * for {@code Last-Event-ID} replay, behind a broker SPI (in memory, or Redis). API for
 * applications ({@code SseChannels}, {@code SseChannel}, {@code SseChannelAuthorizer})
 * and for brokers ({@code SseChannelBroker}); {@code DefaultSseChannel*} are internal.
 */
@NullMarked
package io.github.ssekit.channel;

import org.jspecify.annotations.NullMarked;
