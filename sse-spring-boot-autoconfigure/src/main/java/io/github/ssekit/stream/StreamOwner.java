package io.github.ssekit.stream;

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
 * @param key the key the per-user limit counts under, or {@code null} when there is no
 * such limit
 * @param sessionId the id of the request's session, or {@code null} if it had none
 * @author ssekit
 */
public record StreamOwner(@Nullable Principal principal, @Nullable String key, @Nullable String sessionId) {

	/**
	 * Return the owner of a request. The remote address is the one the container or
	 * Spring's {@code ForwardedHeaderFilter} gives, so it honours
	 * {@code server.forward-headers-strategy}.
	 * @param request the request
	 * @param keyed whether the stream counts against a per-user limit, which needs a key
	 * @return its owner, or {@code null} when there is nothing to know of it (anonymous,
	 * no session, no per-user limit), so that such a stream holds no owner at all
	 */
	public static @Nullable StreamOwner of(HttpServletRequest request, boolean keyed) {
		Principal principal = request.getUserPrincipal();
		HttpSession session = request.getSession(false);
		if (principal == null && session == null && !keyed) {
			return null;
		}
		String key = null;
		if (keyed) {
			key = (principal != null) ? "principal:" + principal.getName() : "address:" + request.getRemoteAddr();
		}
		return new StreamOwner(principal, key, (session != null) ? session.getId() : null);
	}

	boolean isPrincipalNamed(String name) {
		return this.principal != null && name.equals(this.principal.getName());
	}

}
