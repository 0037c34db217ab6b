package io.github.ssekit.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link RedisBrokerUnavailableException} as what is missing and how to add it,
 * instead of a bean creation stack trace.
 *
 * @author ssekit
 */
class RedisBrokerUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<RedisBrokerUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisBrokerUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
