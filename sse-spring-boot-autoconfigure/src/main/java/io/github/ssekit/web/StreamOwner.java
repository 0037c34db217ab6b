package io.github.ssekit.web;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;


/**
 * Who opened a stream: the request's principal, the key its per-user limit counts under
 * (the principal's name, or the client's address for anonymous requests) and the HTTP
 * session it was opened in.
 *
 * @param principal the authenticated principal, or {@code null} for an anonymous request
 * @param key the key the per-user limit counts under
 * @param sessionId the id of the request's session, or {@code null} if it had none
 * @author ssekit
 */
record StreamOwner(@Nullable Principal principal, String key, @Nullable String sessionId) {

	/**
	 * Return the owner of a request. The remote address is the one the container or
	 * Spring's {@code ForwardedHeaderFilter} gives, so it honours
	 * {@code server.forward-headers-strategy}.
	 * @param request the request
	 * @return its owner
	 */
	static StreamOwner of(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		HttpSession session = request.getSession(false);
		String key = (principal != null) ? "principal:" + principal.getName() : "address:" + request.getRemoteAddr();
		return new StreamOwner(principal, key, (session != null) ? session.getId() : null);
	}

	boolean isPrincipalNamed(String name) {
		return this.principal != null && name.equals(this.principal.getName());
	}

}
