package dev.multimodal.usermanagement.api.openapi;

import dev.multimodal.usermanagement.api.error.ApiProblem;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** {@code /docs}: Swagger UI (from the webjar shaded into our jar) showing {@code openapi.json}. */
public class SwaggerUiResource {

    /** Where the shade plugin puts Swagger UI's files (relocated so Quarkus does not serve them at the root). */
    private static final String SWAGGER_UI = "/dev/multimodal/usermanagement/swagger-ui/" + webjarVersion() + "/";

    private static final Map<String, String> FILES = Map.of(
            "swagger-ui-bundle.js", "application/javascript",
            "swagger-ui-standalone-preset.js", "application/javascript",
            "swagger-ui.css", "text/css",
            "favicon-32x32.png", "image/png");
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>user-management API</title>
              <link rel="stylesheet" href="docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="docs/favicon-32x32.png">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="docs/swagger-ui-bundle.js"></script>
              <script src="docs/swagger-ui-standalone-preset.js"></script>
              <script>
                window.ui = SwaggerUIBundle({ url: "openapi.json", dom_id: "#swagger-ui",
                  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
              </script>
            </body>
            </html>
            """;

    private static String webjarVersion() {
        try (InputStream in = SwaggerUiResource.class.getResourceAsStream("/user-management-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("user-management-version.properties is missing from the jar");
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("swagger-ui.version");
        } catch (IOException e) {
            throw new IllegalStateException("user-management-version.properties is missing from the jar", e);
        }
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response docs(@Context UriInfo uri) {
        String path = uri.getAbsolutePath().getRawPath();
        if (path.endsWith("/")) {
            // the page's links are relative to .../v1/docs
            return Response.status(Response.Status.MOVED_PERMANENTLY)
                    .location(uri.getAbsolutePathBuilder()
                            .replacePath(path.replaceAll("/+$", ""))
                            .build())
                    .build();
        }
        return Response.ok(PAGE).build();
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String file) {
        String type = FILES.get(file);
        InputStream in = type == null ? null : SwaggerUiResource.class.getResourceAsStream(SWAGGER_UI + file);
        if (in == null) {
            return ApiProblem.notFound("No such file of the API's documentation page.")
                    .toResponse();
        }
        try (in) {
            return Response.ok(in.readAllBytes(), type)
                    .header("Cache-Control", "public, max-age=86400")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
