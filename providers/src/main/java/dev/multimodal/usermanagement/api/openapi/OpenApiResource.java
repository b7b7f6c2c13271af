package dev.multimodal.usermanagement.api.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /openapi.json}. */
public class OpenApiResource {

    private final ObjectNode document;

    public OpenApiResource(ObjectNode document) {
        this.document = document;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response openapi() {
        return Response.ok(document).build();
    }
}
