/**
 * Servlet servers under test: ssekit, SseEmitter and the raw servlet baseline.
 */
package io.github.ssekit.bench.servlet;
