package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tokens from Keycloak's own token endpoint, for setting up tests. */
public final class Tokens {

    public static final String API_CLIENT = "user-management-api";

    private Tokens() {}

    private static final Duration REUSE = Duration.ofSeconds(30);
    private static final Map<String, Issued> RECENT = new ConcurrentHashMap<>();

    private record Issued(String token, long at) {}

    /** The bootstrap admin of the master realm: a platform admin. */
    public static String platformAdmin(KeycloakServer server) {
        return password(server, "master", "admin-cli", "admin", "admin");
    }

    /** As {@link #platformAdmin}, one token per server reused for 30 s (the test server's master tokens live an hour). */
    public static String recentPlatformAdmin(KeycloakServer server) {
        return RECENT.compute(
                        server.baseUrl(),
                        (url, issued) -> issued != null && System.nanoTime() - issued.at() < REUSE.toNanos()
                                ? issued
                                : new Issued(platformAdmin(server), System.nanoTime()))
                .token();
    }

    /** After a restart of that server: its next token is a new one. */
    public static void forgetPlatformAdmin(KeycloakServer server) {
        RECENT.remove(server.baseUrl());
    }

    public static String password(KeycloakServer server, String realm, String username, String password) {
        return password(server, realm, API_CLIENT, username, password);
    }

    public static String password(
            KeycloakServer server, String realm, String client, String username, String password) {
        Http.Reply reply = passwordGrant(server, realm, client, username, password);
        assertEquals(
                200,
                reply.status(),
                "login of " + username + " in " + realm + ": " + reply.raw().body());
        return reply.json().path("access_token").asText();
    }

    public static Http.Reply passwordGrant(
            KeycloakServer server, String realm, String client, String username, String password) {
        return Http.postForm(
                server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        client,
                        "username",
                        username,
                        "password",
                        password,
                        "scope",
                        "openid"));
    }
}
