package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenApiIT {

    private static KeycloakServer server;
    private static JsonNode document;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        Http.Reply reply = Http.get(server.apiUrl("demo") + "/openapi.json");
        assertEquals(200, reply.status());
        document = reply.json();
    }

    @Test
    void documentDescribesEveryEndpointWithSchemasErrorsAndSecurity() {
        assertTrue(document.path("openapi").asText().startsWith("3."));
        assertEquals(
                "/realms/{realm}/api/v1",
                document.path("servers").get(0).path("url").asText());
        assertEquals(
                "bearer",
                document.path("components")
                        .path("securitySchemes")
                        .path("bearer")
                        .path("scheme")
                        .asText());
        assertTrue(document.path("components").path("schemas").has("Problem"));
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                operations++;
                String name = op.getKey() + " " + path.getKey();
                assertTrue(!op.getValue().path("x-undocumented").asBoolean(), name + " is undocumented");
                assertTrue(op.getValue().path("summary").asText().length() > 3, name);
                assertTrue(op.getValue().path("responses").size() > 0, name);
            }
        }
        assertTrue(operations >= 30, "only " + operations + " operations");
        for (String path : List.of(
                "/auth/login",
                "/auth/register",
                "/auth/refresh",
                "/auth/logout",
                "/users/me",
                "/users/me/change-password",
                "/users/{id}/roles",
                "/tenants",
                "/tenants/{id}/settings",
                "/health")) {
            assertTrue(document.path("paths").has(path), path + " missing");
        }
    }

    /** Every documented operation answers on the live server: not 405, and 404 only as our own problem+json. */
    @Test
    void everyDocumentedOperationExistsOnTheServer() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replace("{file}", "swagger-ui.css").replaceAll("\\{\\w+}", "x");
            for (Iterator<String> verbs = path.getValue().fieldNames(); verbs.hasNext(); ) {
                String verb = verbs.next().toUpperCase();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.apiUrl("demo") + concrete))
                        .header("Content-Type", "application/json");
                request.method(
                        verb,
                        verb.equals("GET") || verb.equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"));
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String type = response.headers().firstValue("Content-Type").orElse("");
                boolean ours = response.statusCode() != 404 || type.startsWith("application/problem+json");
                if (response.statusCode() == 405 || !ours || response.statusCode() >= 500) {
                    missing.add(verb + " " + path.getKey() + " -> " + response.statusCode());
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void swaggerUiServesThePageAndItsFilesOnly() {
        Http.Reply page = Http.get(server.apiUrl("demo") + "/docs");
        assertEquals(200, page.status());
        assertTrue(page.raw().body().contains("SwaggerUIBundle")
                && page.raw().body().contains("openapi.json"));
        Http.Reply bundle = Http.get(server.apiUrl("demo") + "/docs/swagger-ui-bundle.js");
        assertEquals(200, bundle.status());
        assertTrue(bundle.header("Content-Type").startsWith("application/javascript"));
        assertEquals(404, Http.get(server.apiUrl("demo") + "/docs/index.html").status());
        assertEquals(
                404,
                Http.get(server.apiUrl("demo") + "/docs/..%2F..%2Fuser-management-version.properties")
                        .status());
        assertEquals(
                404,
                Http.get(server.baseUrl() + "/webjars/swagger-ui/5.18.2/swagger-ui.css")
                        .status(),
                "Swagger UI must not be served at the server's root");
    }
}
