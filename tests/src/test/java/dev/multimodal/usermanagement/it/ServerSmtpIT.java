package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server started first without SMTP and with the embedded in-memory lockout store, then again with the server
 * SMTP options (what {@code SMTP_*} set): the demo tenant, existing tenants and new ones get the server's SMTP and
 * deliver through it; a tenant whose SMTP was set in the console keeps its own. On the embedded store the console's
 * brute-force view shows and ends locks too.
 */
class ServerSmtpIT {

    private static final String PASSWORD = "Start-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    @Test
    void theServersSmtpReachesTheDemoExistingAndNewTenantsButNotARealmsOwn() {
        KeycloakServer first = KeycloakServer.get();
        TestDatabase database = first.database().freshSibling("smtp");
        String existing = Fixtures.unique("before");
        String ownSmtp = Fixtures.unique("own");
        String createdLater = Fixtures.unique("after");

        try (KeycloakServer embedded = KeycloakServer.startNode(
                "smtp-embedded", List.of("--spi-redis--default--url=", "--import-realm"), database)) {
            String token = Tokens.platformAdmin(embedded);
            // as the first node does: platform tokens that outlast the steps on a busy machine (kept in the database)
            assertEquals(
                    204,
                    Http.put(embedded.baseUrl() + "/admin/realms/master", token, Map.of("accessTokenLifespan", 3600))
                            .status());
            token = Tokens.platformAdmin(embedded);
            assertFalse(smtpOf(embedded, "demo", token).has("host"), "no SMTP configured: none in the demo tenant");
            Fixtures.createTenant(embedded, token, existing, false);
            Fixtures.createTenant(embedded, token, ownSmtp, false);
            assertEquals(
                    204,
                    Http.put(
                                    embedded.baseUrl() + "/admin/realms/" + ownSmtp,
                                    token,
                                    Map.of(
                                            "realm",
                                            ownSmtp,
                                            "smtpServer",
                                            Map.of(
                                                    "host",
                                                    "smtp.own.example",
                                                    "port",
                                                    "2525",
                                                    "from",
                                                    "it@own.example")))
                            .status());
            consoleUnlockOnTheEmbeddedStore(embedded, token, existing);
        }

        List<String> smtpOptions = List.of(
                "--spi-redis--default--url=",
                "--spi-email-sender--platform--host=127.0.0.1",
                "--spi-email-sender--platform--port=" + smtp.port(),
                "--spi-email-sender--platform--from=it@platform.example");
        try (KeycloakServer withSmtp = KeycloakServer.startNode("smtp-server", smtpOptions, database)) {
            String token = Tokens.platformAdmin(withSmtp);
            for (String realm : List.of("demo", existing)) {
                JsonNode settings = smtpOf(withSmtp, realm, token);
                assertEquals("127.0.0.1", settings.path("host").asText(), realm + ": " + settings);
                assertEquals(
                        Integer.toString(smtp.port()), settings.path("port").asText(), realm + ": " + settings);
                assertEquals("it@platform.example", settings.path("from").asText(), realm + ": " + settings);
            }
            assertEquals(
                    "smtp.own.example",
                    smtpOf(withSmtp, ownSmtp, token).path("host").asText(),
                    "the realm's own SMTP stays");
            Fixtures.createTenant(withSmtp, token, createdLater, false);
            assertEquals(
                    "127.0.0.1",
                    smtpOf(withSmtp, createdLater, token).path("host").asText(),
                    "a new tenant");
            assertTrue(
                    withSmtp.log()
                            .contains(
                                    "Server SMTP (127.0.0.1:" + smtp.port() + " from it@platform.example) applied to"),
                    "one line for the pass over the realms");

            Fixtures.browserClient(withSmtp, token, existing);
            Fixtures.createUser(withSmtp, token, existing, "pia", PASSWORD, true, "user");
            assertEquals(
                    200, new Browser(withSmtp).forgotPassword(existing, "pia").statusCode());
            SmtpSink.Mail mail = smtp.awaitMailTo("pia@" + existing + ".example", Duration.ofSeconds(20));
            assertTrue(mail.data().contains("it@platform.example"), mail.data());
            SmtpSink.link(mail, "action-token");
        }
    }

    /** The console's unlock of one user and of all, on the in-memory store. */
    private static void consoleUnlockOnTheEmbeddedStore(KeycloakServer node, String token, String tenant) {
        String bruteForce = node.baseUrl() + "/admin/realms/" + tenant + "/attack-detection/brute-force/users";
        String quinn = Fixtures.createUser(node, token, tenant, "quinn", PASSWORD, true, "user");
        Fixtures.createUser(node, token, tenant, "rosa", PASSWORD, true, "user");
        Fixtures.lockAccount(node, tenant, "quinn");
        Fixtures.lockAccount(node, tenant, "rosa");
        JsonNode locked = Http.get(bruteForce + "/" + quinn, token).json();
        assertTrue(locked.path("disabled").asBoolean(), locked.toString());
        assertEquals(5, locked.path("numFailures").asInt(), locked.toString());

        assertEquals(204, Http.delete(bruteForce + "/" + quinn, token).status());
        assertEquals(200, Fixtures.apiLogin(node, tenant, "quinn", PASSWORD).status());
        assertEquals(401, Fixtures.apiLogin(node, tenant, "rosa", PASSWORD).status(), "one user's unlock");
        assertEquals(204, Http.delete(bruteForce, token).status());
        assertEquals(200, Fixtures.apiLogin(node, tenant, "rosa", PASSWORD).status());
    }

    private static JsonNode smtpOf(KeycloakServer node, String realm, String token) {
        Http.Reply reply = Http.get(node.baseUrl() + "/admin/realms/" + realm, token);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json().path("smtpServer");
    }
}
