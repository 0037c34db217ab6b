package io.github.ssekit.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when {@code sse.broker} selects the given broker ({@link SseBrokerType#MEMORY}
 * when it is not set).
 *
 * @author ssekit
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnSseBrokerCondition.class)
@interface ConditionalOnSseBroker {

	/**
	 * The broker that must be selected.
	 * @return the broker
	 */
	SseBrokerType value();

}
