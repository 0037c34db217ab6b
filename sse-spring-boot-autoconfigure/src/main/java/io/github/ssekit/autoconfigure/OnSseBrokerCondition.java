package io.github.ssekit.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition of {@link ConditionalOnSseBroker}: binds {@code sse.broker} to a
 * {@link SseBrokerType}, so a value that names no broker fails startup with Spring Boot's
 * report of the valid values.
 *
 * @author ssekit
 */
class OnSseBrokerCondition extends SpringBootCondition {

	static final String PROPERTY = "sse.broker";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		SseBrokerType wanted = metadata.getAnnotations()
			.get(ConditionalOnSseBroker.class)
			.getEnum("value", SseBrokerType.class);
		SseBrokerType selected = Binder.get(context.getEnvironment())
			.bind(PROPERTY, SseBrokerType.class)
			.orElse(SseBrokerType.MEMORY);
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnSseBroker.class, wanted);
		if (selected == wanted) {
			return ConditionOutcome.match(message.foundExactly(PROPERTY + "=" + selected));
		}
		return ConditionOutcome.noMatch(message.found(PROPERTY).items(selected));
	}

}
