package io.github.ssekit.bench.servlet;

import io.github.ssekit.bench.RatePublisher;

/**
 * What each servlet server offers the control endpoints: a broadcast to every subscriber.
 */
interface Broadcaster extends RatePublisher.Target {

	/**
	 * The open subscriber streams.
	 * @return the count
	 */
	int subscribers();

	/**
	 * Write a comment to every subscriber, so that streams whose client has gone are
	 * found and dropped.
	 */
	void sweep();

}
