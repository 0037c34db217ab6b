package io.github.ssekit.redis;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.ssekit.channel.SseBrokerException;

/**
 * Waits for Lettuce commands within a timeout and describes their failures.
 *
 * @author ssekit
 */
final class RedisFutures {

	private RedisFutures() {
	}

	/**
	 * Wait for a command on a channel's behalf.
	 * @param <T> the result type
	 * @param future the command
	 * @param timeout how long to wait
	 * @param channel the channel name
	 * @param action what the command does to the channel, for the message
	 * @return the result
	 * @throws SseBrokerException if the command failed, timed out or was interrupted
	 */
	static <T> T call(Future<T> future, Duration timeout, String channel, String action) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new SseBrokerException("Interrupted while trying to " + action + " channel '" + channel + "'", ex);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new SseBrokerException("Could not " + action + " channel '" + channel
					+ "': Redis did not answer within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new SseBrokerException("Could not " + action + " channel '" + channel + "': " + cause.getMessage(),
					cause);
		}
		catch (CancellationException ex) {
			// the broker closed the connection the command was on: Redis was lost
			// meanwhile
			throw new SseBrokerException(
					"Could not " + action + " channel '" + channel + "': the connection to Redis was closed", ex);
		}
	}

	/**
	 * Wait for a command, throwing its own failure.
	 * @param <T> the result type
	 * @param future the command
	 * @param timeout how long to wait
	 * @return the result
	 * @throws Exception the command's failure, or a timeout or interruption
	 */
	static <T> T await(Future<T> future, Duration timeout) throws Exception {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw unwrap(ex);
		}
		finally {
			future.cancel(false);
		}
	}

	/**
	 * Return the failure of a command.
	 * @param ex the exception thrown by waiting for it
	 * @return its cause, or the exception itself
	 */
	static Exception unwrap(ExecutionException ex) {
		return (ex.getCause() instanceof Exception cause) ? cause : ex;
	}

	/**
	 * Describe a failure in one line, from the first cause that has a message.
	 * @param ex the failure
	 * @return the cause's simple class name and message
	 */
	static String describe(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
