package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * E-mail links never follow the request's {@code Host} header: an attacker who triggers a lock or a password reset
 * with {@code Host: evil.example} must not get a genuine mail whose link hands its token to evil.example. The
 * server runs with a configured hostname ({@code --hostname}, as the run command and compose file set it).
 */
class HostHeaderIT {

    private static final String PASSWORD = "Start-Pass123";
    private static final String EVIL = "evil.example";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void theLockoutMailOfALockCausedWithAForgedHostLinksToTheConfiguredHost() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        Fixtures.createUser(server, token, tenant, "olga", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            RawHttp.Response reply = RawHttp.send(
                    server.baseUrl(),
                    "POST",
                    "/realms/" + tenant + "/api/v1/auth/login",
                    EVIL,
                    Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    "{\"username\":\"olga\",\"password\":\"wrong-" + i + "\"}");
            assertEquals(401, reply.status(), reply.body());
        }
        assertTheMailLinksOnlyToTheConfiguredHost(tenant, "olga");
    }

    @Test
    void theResetMailOfAForgotPasswordWithAForgedHostLinksToTheConfiguredHost() {
        String tenant = tenant();
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "pete", PASSWORD, true, "user");
        RawHttp.Response sent = forgotPassword(server, tenant, "pete", EVIL);
        assertEquals(200, sent.status(), sent.body());

        assertTheMailLinksOnlyToTheConfiguredHost(tenant, "pete");
    }

    @Test
    void withoutAConfiguredHostnameTheLockoutMailIsNotSentAndTheLogSaysWhy() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        String quinn = Fixtures.createUser(server, token, tenant, "quinn", PASSWORD, true, "user");
        try (KeycloakServer node = KeycloakServer.startNode("no-hostname", List.of(), false)) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response reply = RawHttp.send(
                        node.baseUrl(),
                        "POST",
                        "/realms/" + tenant + "/api/v1/auth/login",
                        EVIL,
                        Map.of("Content-Type", "application/json"),
                        "{\"username\":\"quinn\",\"password\":\"wrong-" + i + "\"}");
                assertEquals(401, reply.status(), reply.body());
            }
            Wait.until(
                    "the reason in the log",
                    Duration.ofSeconds(20),
                    () -> node.log()
                            .contains("Lockout e-mail to user " + quinn + " of realm " + tenant
                                    + " not sent: no public hostname is configured"));
            assertEquals(
                    401, Fixtures.apiLogin(server, tenant, "quinn", PASSWORD).status(), "locked all the same");
            assertEquals(List.of(), smtp.mailsTo("quinn@" + tenant + ".example"), "no mail");
        }
    }

    private static void assertTheMailLinksOnlyToTheConfiguredHost(String tenant, String username) {
        SmtpSink.Mail mail = smtp.awaitMailTo(username + "@" + tenant + ".example", Duration.ofSeconds(20));
        String link = SmtpSink.link(mail, "action-token");
        assertTrue(link.startsWith(server.baseUrl() + "/realms/" + tenant + "/login-actions/action-token?key="), link);
        assertFalse(mail.decoded().contains(EVIL), "no link to the forged host: " + mail.decoded());
    }

    /** The login page's "forgot password" for {@code username}, every request with the given {@code Host} header. */
    static RawHttp.Response forgotPassword(KeycloakServer server, String tenant, String username, String host) {
        Map<String, String> cookies = new LinkedHashMap<>();
        RawHttp.Response form = RawHttp.send(
                server.baseUrl(),
                "GET",
                "/realms/" + tenant + "/login-actions/reset-credentials?client_id=account-console",
                host,
                Map.of(),
                null);
        assertEquals(200, form.status(), form.body());
        keep(cookies, form);
        Matcher formTag =
                Pattern.compile("<form[^>]*id=\"kc-reset-password-form\"[^>]*>").matcher(form.body());
        assertTrue(formTag.find(), form.body());
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(formTag.group());
        assertTrue(action.find(), formTag.group());
        URI target = URI.create(action.group(1).replace("&amp;", "&"));
        return RawHttp.send(
                server.baseUrl(),
                "POST",
                target.getRawPath() + "?" + target.getRawQuery(),
                host,
                Map.of(
                        "Content-Type",
                        "application/x-www-form-urlencoded",
                        "Cookie",
                        cookies.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining("; "))),
                "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8));
    }

    private static String tenant() {
        String tenant = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("host"), false);
        smtp.serve(server, tenant);
        return tenant;
    }

    private static void keep(Map<String, String> cookies, RawHttp.Response response) {
        for (String cookie : response.all("Set-Cookie")) {
            String[] pair = cookie.split(";", 2)[0].split("=", 2);
            if (pair.length == 2) {
                cookies.put(pair[0], pair[1]);
            }
        }
    }
}
