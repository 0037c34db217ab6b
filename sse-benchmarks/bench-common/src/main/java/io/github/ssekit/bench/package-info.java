/**
 * Code shared by every server under test in the benchmarks.
 */
package io.github.ssekit.bench;
