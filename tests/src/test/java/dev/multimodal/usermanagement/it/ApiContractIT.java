package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer under {@code /api/v1} is problem+json, including what no resource of ours answers, and bodies are
 * JSON in UTF-8 with no silent coercion (issue 15, defect 11).
 */
class ApiContractIT {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static KeycloakServer server;
    private static String api;
    private static String tenant;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        tenant = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("contract"), false);
        api = server.apiUrl(tenant);
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() throws Exception {
        assertProblem(send("GET", api + "/nope", null, null, null), 404);
        assertProblem(send("POST", api + "/users/me/x/y", null, "application/json", "{}"), 404);
        assertProblem(send("GET", api + "/%00", null, null, null), 404);
        assertProblem(send("PATCH", api + "/nope/deeper", null, "application/json", "{}"), 404);
        assertProblem(send("GET", api + "/auth/login", null, null, null), 405);
        assertProblem(send("PUT", api + "/health", null, "application/json", "{}"), 405);
        assertProblem(send("DELETE", api + "/openapi.json", null, null, null), 405);
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        assertProblem(send("GET", api + "/users/%00", boss, null, null), 404);
        assertProblem(send("GET", api + "/users/..%2F..%2Fadmin", boss, null, null), 404);
        assertProblem(send("GET", api + "/tenants/%00/settings", boss, null, null), 403);
        assertProblem(send("DELETE", api + "/users/me/sessions/%00", boss, null, null), 404);
    }

    @Test
    void onlyJsonInUtf8IsRead() throws Exception {
        String login = "{\"username\":\"boss\",\"password\":\"" + Fixtures.ADMIN_PASSWORD + "\"}";
        assertEquals(
                200,
                send("POST", api + "/auth/login", null, "application/json", login)
                        .statusCode());
        assertEquals(
                200,
                send("POST", api + "/auth/login", null, "application/json; charset=UTF-8", login)
                        .statusCode());
        for (String type : new String[] {
            "*/*",
            "application/*",
            "application/json; charset=latin1",
            "text/plain",
            "application/x-www-form-urlencoded"
        }) {
            assertProblem(send("POST", api + "/auth/login", null, type, login), 415);
        }
        String multipart = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nbroken";
        assertProblem(send("POST", api + "/users/import", null, "multipart/form-data; boundary=xyz", multipart), 415);
        assertProblem(send("POST", api + "/auth/login", null, "multipart/form-data; boundary=xyz", multipart), 415);
    }

    @Test
    void noSilentCoercion() throws Exception {
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        String settings = api + "/tenants/" + tenant + "/settings";
        String before = Http.get(settings, boss).raw().body();
        assertProblem(send("PUT", settings, boss, "application/json", "{\"lockout\": {\"max_failures\": \"5\"}}"), 400);
        assertProblem(send("PUT", settings, boss, "application/json", "{\"registration_allowed\": 1}"), 400);
        assertProblem(
                send("PUT", settings, boss, "application/json", "{\"access_token_lifespan_seconds\": 600.0}"), 400);
        assertProblem(send("PUT", settings, boss, "application/json", "{\"password_policy\": 8}"), 400);
        assertEquals(before, Http.get(settings, boss).raw().body(), "nothing saved");
    }

    @Test
    void theDocsPageWithATrailingSlashRedirects() throws Exception {
        HttpResponse<String> slash = send("GET", api + "/docs/", null, null, null);
        assertEquals(301, slash.statusCode());
        assertEquals(api + "/docs", slash.headers().firstValue("Location").orElseThrow());
        assertEquals(200, send("GET", api + "/docs", null, null, null).statusCode());
    }

    private static void assertProblem(HttpResponse<String> reply, int status) {
        String what = reply.request().method() + " " + reply.uri() + ": " + reply.body();
        assertEquals(status, reply.statusCode(), what);
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
        assertTrue(reply.body().contains("\"status\":" + status), what);
        assertTrue(!reply.body().contains("Exception") && !reply.body().contains("unknown_error"), what);
    }

    private static HttpResponse<String> send(String method, String url, String token, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
