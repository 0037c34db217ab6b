package io.github.ssekit.sample;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security for the sample. By default every page and stream is open, as in the
 * rest of the sample's documentation. The {@code secure} profile is a plain Spring
 * Security setup as its reference shows it: everything but the static page needs a login,
 * by form or HTTP Basic, and nothing permits async or error dispatches. Both apply the
 * sample's CORS configuration ({@link CrossOriginConfiguration}).
 *
 * @author ssekit
 */
@Configuration(proxyBeanMethods = false)
@Import(CrossOriginConfiguration.class)
class SecurityConfiguration {

	/** The demo users' password; demo only, never in production. */
	static final String DEMO_PASSWORD = "password";

	@Bean
	@Profile("!secure")
	SecurityFilterChain openSecurityFilterChain(HttpSecurity http) {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.cors(Customizer.withDefaults());
		return http.build();
	}

	@Bean
	@Profile("secure")
	SecurityFilterChain secureSecurityFilterChain(HttpSecurity http) {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/", "/index.html", "/app.css", "/app.js", "/favicon.ico", "/error")
			.permitAll()
			.anyRequest()
			.authenticated())
			.formLogin(Customizer.withDefaults())
			.httpBasic(Customizer.withDefaults())
			// the page's fetch calls send the XSRF-TOKEN cookie's value as the
			// X-XSRF-TOKEN header
			.csrf((csrf) -> csrf.spa())
			.cors(Customizer.withDefaults());
		return http.build();
	}

	/** The secure profile's rooms: who may join which ({@code sample.rooms.*}). */
	@Configuration(proxyBeanMethods = false)
	@Profile("secure")
	@EnableConfigurationProperties(RoomMembers.class)
	static class Rooms {

	}

	@Bean
	UserDetailsService demoUsers() {
		return new InMemoryUserDetailsManager(
				User.withUsername("ann").password("{noop}" + DEMO_PASSWORD).roles("USER").build(),
				User.withUsername("bob").password("{noop}" + DEMO_PASSWORD).roles("USER").build());
	}

}
