package dev.multimodal.usermanagement.api.error;

import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Thrown by the API's code for every answer that is not a success; {@link Endpoint} turns it into
 * problem+json. Keycloak's own error handler would replace the body of a WebApplicationException, hence
 * a plain exception.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final String retryAfter;

    public ApiProblem(int status, String title, String detail, List<Problem.FieldError> errors) {
        this(status, title, detail, errors, null);
    }

    private ApiProblem(int status, String title, String detail, List<Problem.FieldError> errors, String retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail, List.of());
    }

    public static ApiProblem invalid(List<Problem.FieldError> errors) {
        return new ApiProblem(400, "Validation failed", "The request has invalid fields.", errors);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    /** Names every rule of the tenant's password policy that the password breaks. */
    public static ApiProblem weakPassword(String field, List<String> brokenRules) {
        return invalid(brokenRules.stream()
                .map(rule -> new Problem.FieldError(field, rule))
                .toList());
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail, List.of());
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "Forbidden", detail, List.of());
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not Found", detail, List.of());
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail, List.of());
    }

    public static ApiProblem unsupportedMediaType(String detail) {
        return new ApiProblem(415, "Unsupported Media Type", detail, List.of());
    }

    public static ApiProblem tooLarge(String detail) {
        return new ApiProblem(413, "Content Too Large", detail, List.of());
    }

    public static ApiProblem tooManyRequests(String detail, String retryAfter) {
        return new ApiProblem(429, "Too Many Requests", detail, List.of(), retryAfter);
    }

    public static ApiProblem serviceUnavailable(String detail, String retryAfter) {
        return new ApiProblem(503, "Service Unavailable", detail, List.of(), retryAfter);
    }

    public int status() {
        return status;
    }

    public Response toResponse() {
        Problem body = new Problem("about:blank", title, status, getMessage(), errors);
        Response.ResponseBuilder response =
                Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        if (status == 401) {
            response.header("WWW-Authenticate", "Bearer");
        }
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return response.build();
    }
}
