package io.github.ssekit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.ssekit.web.SseStreamReturnValueHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Puts the {@link SseStreamReturnValueHandler} first in every
 * {@link RequestMappingHandlerAdapter}, ahead of the {@code @ResponseBody} handler that
 * would otherwise claim {@code SseStream} return values of {@code @RestController}
 * methods.
 *
 * @author ssekit
 */
final class SseReturnValueHandlerRegistrar implements BeanPostProcessor {

	private final ObjectProvider<SseStreamReturnValueHandler> handler;

	SseReturnValueHandlerRegistrar(ObjectProvider<SseStreamReturnValueHandler> handler) {
		this.handler = handler;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RequestMappingHandlerAdapter adapter) {
			SseStreamReturnValueHandler sseHandler = this.handler.getIfAvailable();
			List<HandlerMethodReturnValueHandler> existing = adapter.getReturnValueHandlers();
			if (sseHandler != null && existing != null && !existing.contains(sseHandler)) {
				List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(existing.size() + 1);
				handlers.add(sseHandler);
				handlers.addAll(existing);
				adapter.setReturnValueHandlers(handlers);
			}
		}
		return bean;
	}

}
