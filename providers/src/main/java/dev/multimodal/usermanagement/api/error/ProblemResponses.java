package dev.multimodal.usermanagement.api.error;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every error answer under {@code /realms/{realm}/api/v1} is problem+json, also those our resources never see:
 * unknown routes and methods (404, 405), bodies the server fails to parse before our code runs (a malformed
 * multipart body: our API reads only JSON, so 415), and Keycloak's own error answers. Other paths are left alone.
 */
@Provider
@PreMatching
public class ProblemResponses implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Pattern API_PATH = Pattern.compile("^/?realms/[^/]+/api/v1(/.*)?$");
    private static final MediaType PROBLEM = MediaType.valueOf(Problem.MEDIA_TYPE);

    /** Whether a request is for the API ({@code /realms/{realm}/api/v1...}); its other filters ask too. */
    public static boolean isApiPath(ContainerRequestContext request) {
        return API_PATH.matcher(request.getUriInfo().getPath()).matches();
    }

    /** A Content-Type that is no media type at all ("json", "a/b, c/d") fails the server before any resource: 415 here. */
    @Override
    public void filter(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !isApiPath(request)) {
            return;
        }
        try {
            MediaType.valueOf(contentType);
        } catch (IllegalArgumentException unparsable) {
            request.abortWith(ApiProblem.unsupportedMediaType("Send the body as application/json in UTF-8.")
                    .toResponse());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400
                || PROBLEM.isCompatible(response.getMediaType())
                || isOurs(response.getEntity())
                || !isApiPath(request)) {
            return;
        }
        if (status == 500 && unreadableBody(request)) {
            status = 415; // a form, multipart or unparsable type the server choked on before any resource ran
        }
        response.setStatus(status);
        response.getHeaders().remove("Content-Length");
        response.setEntity(
                new Problem("about:blank", title(status), status, detail(status), List.of()),
                new Annotation[0],
                PROBLEM);
    }

    /** An answer our resources made on purpose (e.g. the health report's 503) stays as it is. */
    private static boolean isOurs(Object entity) {
        return entity != null && entity.getClass().getName().startsWith("dev.multimodal.usermanagement.");
    }

    private static boolean unreadableBody(ContainerRequestContext request) {
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (IllegalArgumentException unparsable) {
            return true; // not a media type at all: nothing of ours could read it
        }
        return type != null
                && (type.getType().equalsIgnoreCase("multipart")
                        || type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE));
    }

    private static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "Error";
    }

    private static String detail(int status) {
        return switch (status) {
            case 404 -> "No such resource: see GET /realms/{realm}/api/v1/openapi.json for the API's paths.";
            case 405 -> "This resource does not take this method: see GET /realms/{realm}/api/v1/openapi.json.";
            case 415 -> "Send the body as application/json in UTF-8.";
            case 500 -> "The server failed to answer; the server log has the details.";
            default -> "The request was refused.";
        };
    }
}
