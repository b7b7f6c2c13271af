package dev.multimodal.usermanagement.api.error;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Response;

/** A path the API does not have: 404 problem+json whatever the method. */
public class UnknownRoute {

    @GET
    public Response get() {
        return notFound();
    }

    @POST
    public Response post() {
        return notFound();
    }

    @PUT
    public Response put() {
        return notFound();
    }

    @DELETE
    public Response delete() {
        return notFound();
    }

    @PATCH
    public Response patch() {
        return notFound();
    }

    @HEAD
    public Response head() {
        return notFound();
    }

    @OPTIONS
    public Response options() {
        return notFound();
    }

    private static Response notFound() {
        return ApiProblem.notFound("No such resource: see GET /realms/{realm}/api/v1/openapi.json for the API's paths.")
                .toResponse();
    }
}
