/**
 * The load generator, the scenario runner and the report of the benchmarks.
 */
package io.github.ssekit.bench.load;
