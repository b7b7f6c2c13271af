package dev.multimodal.usermanagement.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * E-mail links never follow the request's {@code Host} header: an attacker who triggers a lock or a password reset
 * with {@code Host: evil.example} must not get a genuine mail whose link hands its token to evil.example. The
 * server runs with a configured hostname ({@code --hostname}, as the run command and compose file set it).
 */
class HostHeaderIT {

    private static final String PASSWORD = "Start-Pass123";
    private static final String EVIL = "evil.example";

    private static KeycloakServer server;
    private static SmtpSink smtp;

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.get();
        smtp = new SmtpSink();
    }

    @AfterAll
    static void stopSmtp() throws IOException {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void theLockoutMailOfALockCausedWithAForgedHostLinksToTheConfiguredHost() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        Http.Reply settings = Http.put(server.apiUrl("master") + "/tenants/" + tenant + "/settings", token,
                Map.of("lockout", Map.of("lockout_email", true)));
        assertEquals(200, settings.status(), settings.raw().body());
        Fixtures.createUser(server, token, tenant, "olga", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            RawHttp.Response reply = RawHttp.send(server.baseUrl(), "POST", "/realms/" + tenant + "/api/v1/auth/login", EVIL,
                    Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    "{\"username\":\"olga\",\"password\":\"wrong-" + i + "\"}");
            assertEquals(401, reply.status(), reply.body());
        }
        SmtpSink.Mail mail = smtp.awaitMailTo("olga@" + tenant + ".example", Duration.ofSeconds(20));
        String link = SmtpSink.link(mail, "action-token");
        assertTrue(link.startsWith(server.baseUrl() + "/realms/" + tenant + "/login-actions/action-token?key="), link);
        assertFalse(mail.decoded().contains(EVIL), "no link to the forged host: " + mail.decoded());
    }

    @Test
    void theResetMailOfAForgotPasswordWithAForgedHostLinksToTheConfiguredHost() {
        String tenant = tenant();
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "pete", PASSWORD, true, "user");
        RawHttp.Response sent = forgotPassword(server, tenant, "pete", EVIL);
        assertEquals(200, sent.status(), sent.body());

        SmtpSink.Mail mail = smtp.awaitMailTo("pete@" + tenant + ".example", Duration.ofSeconds(20));
        String link = SmtpSink.link(mail, "action-token");
        assertTrue(link.startsWith(server.baseUrl() + "/realms/" + tenant + "/login-actions/action-token?key="), link);
        assertFalse(mail.decoded().contains(EVIL), "no link to the forged host: " + mail.decoded());
    }

    @Test
    void withoutAConfiguredHostnameTheLockoutMailIsNotSentAndTheLogSaysWhy() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        Http.Reply settings = Http.put(server.apiUrl("master") + "/tenants/" + tenant + "/settings", token,
                Map.of("lockout", Map.of("lockout_email", true)));
        assertEquals(200, settings.status(), settings.raw().body());
        String quinn = Fixtures.createUser(server, token, tenant, "quinn", PASSWORD, true, "user");
        try (KeycloakServer node = KeycloakServer.startNode("no-hostname", List.of(), false)) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response reply = RawHttp.send(node.baseUrl(), "POST", "/realms/" + tenant + "/api/v1/auth/login", EVIL,
                        Map.of("Content-Type", "application/json"), "{\"username\":\"quinn\",\"password\":\"wrong-" + i + "\"}");
                assertEquals(401, reply.status(), reply.body());
            }
            Wait.until("the reason in the log", Duration.ofSeconds(20), () -> node.log().contains(
                    "Lockout e-mail to user " + quinn + " of realm " + tenant + " not sent: no public hostname is configured"));
            assertEquals(401, Fixtures.apiLogin(server, tenant, "quinn", PASSWORD).status(), "locked all the same");
            assertEquals(List.of(), smtp.mailsTo("quinn@" + tenant + ".example"), "no mail");
        }
    }

    /** The login page's "forgot password" for {@code username}, every request with the given {@code Host} header. */
    static RawHttp.Response forgotPassword(KeycloakServer server, String tenant, String username, String host) {
        Map<String, String> cookies = new LinkedHashMap<>();
        RawHttp.Response form = RawHttp.send(server.baseUrl(), "GET",
                "/realms/" + tenant + "/login-actions/reset-credentials?client_id=account-console", host, Map.of(), null);
        assertEquals(200, form.status(), form.body());
        keep(cookies, form);
        Matcher formTag = Pattern.compile("<form[^>]*id=\"kc-reset-password-form\"[^>]*>").matcher(form.body());
        assertTrue(formTag.find(), form.body());
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(formTag.group());
        assertTrue(action.find(), formTag.group());
        URI target = URI.create(action.group(1).replace("&amp;", "&"));
        return RawHttp.send(server.baseUrl(), "POST", target.getRawPath() + "?" + target.getRawQuery(), host,
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Cookie", cookies.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "))),
                "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8));
    }

    private static String tenant() {
        String tenant = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("host"), false);
        Http.Reply reply = Http.put(server.baseUrl() + "/admin/realms/" + tenant, Tokens.platformAdmin(server), Map.of("realm", tenant,
                "smtpServer", Map.of("host", "127.0.0.1", "port", Integer.toString(smtp.port()), "from", "noreply@" + tenant + ".example")));
        assertEquals(204, reply.status(), reply.raw().body());
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
