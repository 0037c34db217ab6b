/**
 * The WebFlux server under test.
 */
package io.github.ssekit.bench.webflux;
