package io.github.ssekit.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.ssekit.SseDataSerializer;
import io.github.ssekit.SseEvent;
import io.github.ssekit.SseStreamFactory;
import io.github.ssekit.stream.SseStreamRegistry;
import io.github.ssekit.stream.StreamObserver;
import io.github.ssekit.stream.StreamOptions;
import io.github.ssekit.web.DefaultSseStreamFactory;
import io.github.ssekit.web.LastEventIdArgumentResolver;
import io.github.ssekit.web.ProblemDetailExceptionResolver;
import io.github.ssekit.web.SseSessionListener;
import io.github.ssekit.web.SseStreamEndFilter;
import io.github.ssekit.web.SseStreamReturnValueHandler;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;

/**
 * Auto-configuration for Server-Sent Events streams on Spring MVC: the
 * {@link SseStreamFactory}, the {@code @LastEventId} argument resolver, the
 * {@code SseStream} return value handler and the shared heartbeat scheduler.
 *
 * @author ssekit
 */
@AutoConfiguration(afterName = { "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseProperties.class)
public final class SseAutoConfiguration {

	SseAutoConfiguration(SseProperties properties) {
		SsePropertiesValidator.validate(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamRegistry sseStreamRegistry(SseProperties properties, ObjectProvider<StreamObserver> observers) {
		return new SseStreamRegistry(new SseStreamRegistry.Settings(properties.getHeartbeat().getInterval(),
				maxLifetime(properties), properties.getStream().getWriteTimeout(), finalEvent(properties.getShutdown()),
				properties.getShutdown().getTimeout(), properties.getMaxStreams(), properties.getMaxStreamsPerUser()),
				StreamObserver.of(observers.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	SseSessionListener sseSessionListener(SseStreamRegistry registry) {
		return new SseSessionListener(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamFactory sseStreamFactory(SseStreamRegistry registry, SseProperties properties,
			ObjectProvider<SseDataSerializer> dataSerializer,
			ObjectProvider<SimpleAsyncTaskExecutorBuilder> executorBuilder, Environment environment) {
		SseProperties.Stream stream = properties.getStream();
		StreamOptions options = new StreamOptions(stream.getMaxQueuedEvents(), stream.getMaxQueuedBytes().toBytes(),
				stream.getOverflow(), properties.getRetry(), dataSerializer.getIfAvailable());
		SimpleAsyncTaskExecutorBuilder builder = executorBuilder.getIfAvailable(
				() -> new SimpleAsyncTaskExecutorBuilder().virtualThreads(Threading.VIRTUAL.isActive(environment)));
		return new DefaultSseStreamFactory(registry, options, builder.threadNamePrefix("sse-producer-").build());
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamReturnValueHandler sseStreamReturnValueHandler(SseProperties properties) {
		SseProperties.Headers headers = properties.getHeaders();
		return new SseStreamReturnValueHandler(new SseStreamReturnValueHandler.ResponseHeaders(
				headers.getCacheControl(), headers.isXAccelBuffering(), headers.getExtra()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "sseStreamEndFilter")
	FilterRegistrationBean<SseStreamEndFilter> sseStreamEndFilter() {
		FilterRegistrationBean<SseStreamEndFilter> registration = new FilterRegistrationBean<>(
				new SseStreamEndFilter());
		registration.setDispatcherTypes(DispatcherType.ASYNC, DispatcherType.ERROR);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	static SseReturnValueHandlerRegistrar sseReturnValueHandlerRegistrar(
			ObjectProvider<SseStreamReturnValueHandler> handler) {
		return new SseReturnValueHandlerRegistrar(handler);
	}

	@Bean
	WebMvcConfigurer sseWebMvcConfigurer(SseProperties properties) {
		HandlerMethodArgumentResolver lastEventIdResolver = new LastEventIdArgumentResolver(
				properties.getLastEventId().getQueryParameter(), properties.getLastEventId().getMaxLength());
		return new WebMvcConfigurer() {

			@Override
			public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
				resolvers.add(lastEventIdResolver);
			}

			@Override
			public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
				List<HttpMessageConverter<?>> converters = resolvers.stream()
					.filter(ExceptionHandlerExceptionResolver.class::isInstance)
					.findFirst()
					.map((resolver) -> ((ExceptionHandlerExceptionResolver) resolver).getMessageConverters())
					.orElseGet(List::of);
				resolvers.add(0, new ProblemDetailExceptionResolver(converters));
				resolvers.add(ProblemDetailExceptionResolver.forUndecodableParameters(converters));
			}

		};
	}

	@SuppressWarnings("deprecation")
	private static @Nullable Duration maxLifetime(SseProperties properties) {
		Duration maxLifetime = properties.getStream().getMaxLifetime();
		return (maxLifetime != null) ? maxLifetime : properties.getTimeout();
	}

	private static @Nullable SseEvent finalEvent(SseProperties.Shutdown shutdown) {
		if (shutdown.getEvent() == null && shutdown.getData() == null) {
			return null;
		}
		return SseEvent.builder().event(shutdown.getEvent()).data(shutdown.getData()).build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractConfigurableWebServerFactory.class)
	static class WebServerCompressionConfiguration {

		@Bean
		SseWebServerCompressionCustomizer sseWebServerCompressionCustomizer() {
			return new SseWebServerCompressionCustomizer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.apache.catalina.connector.Connector",
			"org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory" })
	static class TomcatConnectorConfiguration {

		@Bean
		SseTomcatConnectorCustomizer sseTomcatConnectorCustomizer(SseProperties properties) {
			return new SseTomcatConnectorCustomizer(properties.getTomcat());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonDataSerializerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(JsonMapper.class)
		SseDataSerializer sseDataSerializer(JsonMapper jsonMapper) {
			return jsonMapper::writeValueAsString;
		}

	}

}
