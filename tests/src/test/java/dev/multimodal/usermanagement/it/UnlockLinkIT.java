package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lockout e-mail's unlock link ends the lock it was sent for, never a later one. */
class UnlockLinkIT {

    private static final String PASSWORD = "Start-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void aLinkFromAnEarlierLockDoesNotEndALaterOne() throws Exception {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("unlock"), false);
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true, "requests_per_username_per_minute", 50));
        smtp.serve(server, tenant);
        String ruth = Fixtures.createUser(server, token, tenant, "ruth", PASSWORD, true, "user");
        String address = "ruth@" + tenant + ".example";

        lock(tenant, "ruth");
        String first = SmtpSink.link(smtp.awaitMailTo(address, Duration.ofSeconds(20)), "action-token");
        // the lock ends by other means (an admin), then a second lock
        String boss = Http.post(
                        server.apiUrl(tenant) + "/auth/login",
                        null,
                        Map.of("username", "boss", "password", Fixtures.ADMIN_PASSWORD))
                .json()
                .path("access_token")
                .asText();
        assertEquals(
                204,
                Http.post(server.apiUrl(tenant) + "/users/" + ruth + "/unlock", boss, Map.of())
                        .status());
        lock(tenant, "ruth");
        Wait.until(
                "the second lock's mail",
                Duration.ofSeconds(20),
                () -> smtp.mailsTo(address).size() == 2);

        HttpResponse<String> stale = browserGet(first);
        assertNotEquals(200, stale.statusCode(), "the first lock's link: " + stale.body());
        assertFalse(stale.body().contains("Your account is unlocked"), stale.body());
        assertEquals(401, login(tenant, "ruth", PASSWORD).status(), "the second lock is still on");

        String second = SmtpSink.link(smtp.mailsTo(address).get(1), "action-token");
        HttpResponse<String> current = browserGet(second);
        assertEquals(200, current.statusCode(), current.body());
        assertTrue(current.body().contains("Your account is unlocked"), current.body());
        assertEquals(200, login(tenant, "ruth", PASSWORD).status(), "the second lock's own link ends it");
    }

    private static Http.Reply login(String tenant, String username, String password) {
        return Http.post(
                server.apiUrl(tenant) + "/auth/login", null, Map.of("username", username, "password", password));
    }

    private static void lock(String tenant, String username) {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(tenant, username, "wrong-" + i).status());
        }
    }

    private static HttpResponse<String> browserGet(String url) throws Exception {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
