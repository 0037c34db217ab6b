package io.github.ssekit.sample;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Cross-origin access to the sample's streams, for {@code new EventSource(url, {
 * withCredentials: true })} on pages of other origins. Spring Security's
 * {@code http.cors(...)} (see {@link SecurityConfiguration}) applies this
 * {@code corsConfigurationSource} bean, answers preflight requests, and echoes an allowed
 * origin, never {@code *}, with {@code Access-Control-Allow-Credentials: true}.
 * {@code sample.cors.allowed-origins} lists the origins (or origin patterns such as
 * {@code https://*.example.com}); empty, the default, allows none.
 *
 * @author ssekit
 */
@Configuration(proxyBeanMethods = false)
class CrossOriginConfiguration {

	/** The streams other origins may open. */
	static final List<String> STREAM_PATHS = List.of("/sse", "/counter", "/greetings", "/price", "/tokens",
			"/chat/sse");

	@Bean
	CorsConfigurationSource corsConfigurationSource(
			@Value("${sample.cors.allowed-origins:}") List<String> allowedOrigins) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (!allowedOrigins.isEmpty()) {
			CorsConfiguration streams = new CorsConfiguration();
			streams.setAllowedOriginPatterns(allowedOrigins);
			streams.setAllowCredentials(true);
			streams.setAllowedMethods(List.of("GET"));
			streams.setAllowedHeaders(List.of("Last-Event-ID"));
			streams.setMaxAge(Duration.ofMinutes(30));
			STREAM_PATHS.forEach((path) -> source.registerCorsConfiguration(path, streams));
		}
		return source;
	}

}
