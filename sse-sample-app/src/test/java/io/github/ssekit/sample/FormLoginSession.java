package io.github.ssekit.sample;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser-like session of the sample's {@code secure} profile: logs in through Spring
 * Security's form (with its CSRF token), keeps the session cookie, and logs out the same
 * way.
 *
 * @author ssekit
 */
final class FormLoginSession {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private final String base;

	private final CookieManager cookies = new CookieManager();

	private final HttpClient http;

	private FormLoginSession(String base) {
		this.base = base;
		this.http = HttpClient.newBuilder().cookieHandler(this.cookies).build();
	}

	static FormLoginSession login(String base, String username) throws IOException, InterruptedException {
		FormLoginSession session = new FormLoginSession(base);
		String token = session.csrfTokenOf("/login");
		HttpResponse<String> response = session.post("/login",
				"username=" + username + "&password=" + SecurityConfiguration.DEMO_PASSWORD + "&_csrf=" + token);
		assertThat(response.statusCode()).as("login redirects").isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).get().asString().doesNotContain("error");
		return session;
	}

	/**
	 * Return the {@code Cookie} header a client of this session sends.
	 * @return the header value
	 */
	String cookieHeader() {
		StringBuilder header = new StringBuilder();
		this.cookies.getCookieStore().getCookies().forEach((cookie) -> {
			if (!header.isEmpty()) {
				header.append("; ");
			}
			header.append(cookie.getName()).append('=').append(cookie.getValue());
		});
		return header.toString();
	}

	void logout() throws IOException, InterruptedException {
		String token = csrfTokenOf("/logout");
		HttpResponse<String> response = post("/logout", "_csrf=" + token);
		assertThat(response.statusCode()).as("logged out").isIn(204, 302);
	}

	private String csrfTokenOf(String page) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + page)).build(),
				HttpResponse.BodyHandlers.ofString());
		Matcher matcher = CSRF.matcher(response.body());
		assertThat(matcher.find()).as("CSRF token in " + page).isTrue();
		return URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8);
	}

	/**
	 * Post a form in this session, with the CSRF token a page's script sends: the
	 * {@code XSRF-TOKEN} cookie's value as the {@code X-XSRF-TOKEN} header.
	 * @param path the path
	 * @param form the form, URL-encoded
	 * @return the response
	 */
	HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form));
		this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.findFirst()
			.ifPresent((cookie) -> request.header("X-XSRF-TOKEN", cookie.getValue()));
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
