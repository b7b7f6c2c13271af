package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS on the API, Keycloak's way: a client's web origins (its tokens' {@code allowed-origins}) may read answers to
 * requests made with its tokens; preflights are answered for any origin (they carry no token); other origins get no
 * CORS headers. Raw HTTP: what a browser sends and reads.
 */
class CorsIT {

    private static final String APP_ORIGIN = "https://app.cors.example";
    private static final String OTHER_ORIGIN = "https://evil.cors.example";
    private static final String PASSWORD = "Cors-Pass123";
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KeycloakServer server;
    private static String tenant;
    private static String token;

    @BeforeAll
    static void appWithWebOrigin() {
        server = KeycloakServer.get();
        String admin = Tokens.recentPlatformAdmin(server);
        tenant = Fixtures.createTenant(server, admin, Fixtures.unique("cors"), false);
        Http.Reply client = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant + "/clients",
                admin,
                Map.of(
                        "clientId",
                        "spa",
                        "publicClient",
                        true,
                        "directAccessGrantsEnabled",
                        true,
                        "redirectUris",
                        List.of(APP_ORIGIN + "/*"),
                        "webOrigins",
                        List.of(APP_ORIGIN)));
        assertEquals(201, client.status(), client.raw().body());
        Fixtures.createUser(server, admin, tenant, "cora", PASSWORD, true, "user");
        token = Tokens.password(server, tenant, "spa", "cora", PASSWORD);
    }

    @Test
    void theAppsOriginReadsItsAnswers() {
        HttpResponse<String> me = send("GET", "/users/me", APP_ORIGIN, token);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(APP_ORIGIN, header(me, "Access-Control-Allow-Origin"), "the origin itself, never *");
        assertTrue(header(me, "Vary").contains("Origin"), me.headers().map().toString());
        assertNull(header(me, "Access-Control-Allow-Credentials"), "bearer tokens only: no cookies to allow");
    }

    @Test
    void theAppsOriginReadsErrorAnswersToo() {
        HttpResponse<String> forbidden = send("GET", "/users", APP_ORIGIN, token); // a plain user may not list users
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertEquals(
                "application/problem+json",
                forbidden.headers().firstValue("Content-Type").orElse(""));
        assertEquals(APP_ORIGIN, header(forbidden, "Access-Control-Allow-Origin"));

        HttpResponse<String> expired =
                send("GET", "/users/me", APP_ORIGIN, token.substring(0, token.length() - 4) + "AAAA");
        assertEquals(401, expired.statusCode(), expired.body());
        assertEquals(
                APP_ORIGIN,
                header(expired, "Access-Control-Allow-Origin"),
                "the app must see the 401 that sends it to log in");
        assertTrue(header(expired, "Access-Control-Expose-Headers").contains("WWW-Authenticate"));
    }

    @Test
    void anotherOriginGetsNoCorsHeadersWithTheAppsToken() {
        HttpResponse<String> me = send("GET", "/users/me", OTHER_ORIGIN, token);
        assertEquals(200, me.statusCode(), "the server answers; the browser keeps the answer from the page");
        assertNull(header(me, "Access-Control-Allow-Origin"));
        assertTrue(header(me, "Vary").contains("Origin"));

        HttpResponse<String> forbidden = send("GET", "/users", OTHER_ORIGIN, token);
        assertEquals(403, forbidden.statusCode());
        assertNull(header(forbidden, "Access-Control-Allow-Origin"), "nor its error answers");
    }

    @Test
    void noOriginNoCorsHeaders() {
        HttpResponse<String> me = send("GET", "/users/me", null, token);
        assertEquals(200, me.statusCode());
        assertTrue(
                me.headers().map().keySet().stream()
                        .noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
                me.headers().map().toString());
        assertTrue(
                header(me, "Vary").contains("Origin"), "a cache must not hand this answer to a cross-origin request");
    }

    @Test
    void publicAnswersAreNotForOtherOrigins() {
        HttpResponse<String> openApi = send("GET", "/openapi.json", APP_ORIGIN, null);
        assertEquals(200, openApi.statusCode());
        assertNull(header(openApi, "Access-Control-Allow-Origin"), "no token, no client, no origins it allows");
    }

    @Test
    void preflightsAreAnsweredForTheApisMethodsAndHeaders() throws Exception {
        for (String origin : List.of(APP_ORIGIN, OTHER_ORIGIN)) {
            HttpResponse<String> preflight = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(server.apiUrl(tenant) + "/users/me"))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", origin)
                            .header("Access-Control-Request-Method", "PUT")
                            .header("Access-Control-Request-Headers", "authorization, content-type")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, preflight.statusCode(), preflight.body());
            assertEquals(
                    origin,
                    header(preflight, "Access-Control-Allow-Origin"),
                    "a preflight has no token: any origin, checked on the real request");
            String methods = header(preflight, "Access-Control-Allow-Methods");
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                assertTrue(methods.contains(method), method + " in " + methods);
            }
            String headers = header(preflight, "Access-Control-Allow-Headers").toLowerCase();
            assertTrue(headers.contains("authorization") && headers.contains("content-type"), headers);
            assertNotEquals(null, header(preflight, "Access-Control-Max-Age"));
        }
        HttpResponse<String> plainOptions = send("OPTIONS", "/users/me", null, null);
        assertFalse(
                plainOptions.headers().firstValue("Access-Control-Allow-Origin").isPresent(),
                "no Origin: no preflight");
    }

    private static HttpResponse<String> send(String method, String path, String origin, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.apiUrl(tenant) + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30));
        if (origin != null) {
            request.header("Origin", origin);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
