package dev.multimodal.usermanagement.api.cors;

import dev.multimodal.usermanagement.api.error.ProblemResponses;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;
import org.keycloak.utils.KeycloakSessionUtil;

/**
 * CORS for {@code /realms/{realm}/api/v1}, Keycloak's way: the origins a client allows (its "Web origins", in its
 * access tokens as {@code allowed-origins}) may read the API's answers to requests made with that client's tokens.
 * <ul>
 * <li>Preflights ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) carry no token, so
 * they are answered for any origin, as Keycloak's own endpoints do: they only say which methods and headers the API
 * takes; whether the origin may read the answer is decided on the real request. The API authenticates by bearer
 * token only, never by cookie, so a request a preflight lets through carries no ambient credentials.</li>
 * <li>A request whose token was verified: {@code Access-Control-Allow-Origin} (the origin itself, never {@code *})
 * when the token's {@code allowed-origins} name it (or {@code *}); success and error answers alike.</li>
 * <li>A request without a verified token (none, expired, malformed; an unknown path): its error answer is readable by
 * any origin, as Keycloak's userinfo endpoint does, so an app sees the 401 that tells it to log in again; such an
 * answer holds nothing but the problem. Its successful answers (health, OpenAPI, login) get no CORS headers.</li>
 * </ul>
 * Every API answer says {@code Vary: Origin}, so no cache hands one origin's answer to another.
 */
@Provider
@PreMatching
public class ApiCors implements ContainerRequestFilter, ContainerResponseFilter {

    static final String ALLOWED_METHODS = String.join(
            ", ",
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.POST,
            HttpMethod.PUT,
            HttpMethod.PATCH,
            HttpMethod.DELETE);
    static final String ALLOWED_HEADERS = String.join(
            ", ",
            HttpHeaders.AUTHORIZATION,
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.ACCEPT,
            HttpHeaders.ACCEPT_LANGUAGE,
            "X-Requested-With");
    /** Headers of our answers an app may read besides the CORS-safelisted ones. */
    static final String EXPOSED_HEADERS = String.join(
            ", ", HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER, HttpHeaders.WWW_AUTHENTICATE, "Content-Disposition");

    private static final String REQUEST_METHOD = "Access-Control-Request-Method";
    private static final String PREFLIGHT = ApiCors.class.getName() + ".preflight";
    private static final String TOKEN_ORIGINS = ApiCors.class.getName() + ".allowedOrigins";

    /** Called once the request's bearer token is verified: its client's web origins decide. */
    public static void verified(KeycloakSession session, AccessToken token) {
        Set<String> origins = token.getAllowedOrigins();
        session.setAttribute(TOKEN_ORIGINS, origins == null ? Set.of() : origins);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod())
                && request.getHeaderString(Cors.ORIGIN_HEADER) != null
                && request.getHeaderString(REQUEST_METHOD) != null
                && ProblemResponses.isApiPath(request)) {
            request.setProperty(PREFLIGHT, true);
            request.abortWith(Response.ok().build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!ProblemResponses.isApiPath(request)) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.add(HttpHeaders.VARY, Cors.ORIGIN_HEADER);
        String origin = request.getHeaderString(Cors.ORIGIN_HEADER);
        if (origin == null) {
            return;
        }
        if (request.getProperty(PREFLIGHT) != null) {
            headers.putSingle(Cors.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.putSingle(Cors.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            headers.putSingle(Cors.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            headers.putSingle(Cors.ACCESS_CONTROL_MAX_AGE, Long.toString(Cors.DEFAULT_MAX_AGE));
            return;
        }
        if (readable(origin, response.getStatus())) {
            headers.putSingle(Cors.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.putSingle(Cors.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean readable(String origin, int status) {
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        Set<String> allowed = session == null ? null : (Set<String>) session.getAttribute(TOKEN_ORIGINS);
        if (allowed == null) {
            return status >= 400;
        }
        return allowed.contains(origin) || allowed.contains(Cors.ACCESS_CONTROL_ALLOW_ORIGIN_WILDCARD);
    }
}
