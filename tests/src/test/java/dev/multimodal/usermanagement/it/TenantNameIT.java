package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant's name is text wherever our themes show it: the login page and the e-mails. Keycloak renders the
 * realm's HTML display name through its sanitizer, which decodes entities first and lets links and images through.
 */
class TenantNameIT {

    static final String HOSTILE_NAME = "<a href=\"https://evil.example\">x</a><img src=x onerror=alert(1)>";
    /** The name as HTML-escaped text (FreeMarker's HTML escaping). */
    static final String ESCAPED_NAME =
            "&lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;&lt;img src=x onerror=alert(1)&gt;";

    private static final Pattern INJECTED = Pattern.compile("<a[^>]*evil\\.example|<img[^>]*src=\"?x");
    private static final String PASSWORD = "Start-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;
    private static String tenant;

    @BeforeAll
    static void hostileTenant() {
        server = KeycloakServer.get();
        String token = Tokens.platformAdmin(server);
        tenant = Fixtures.unique("named");
        Http.Reply created = Http.post(
                server.apiUrl("master") + "/tenants",
                token,
                Map.of(
                        "id",
                        tenant,
                        "name",
                        HOSTILE_NAME,
                        "admin_email",
                        "boss@" + tenant + ".example",
                        "admin_username",
                        "boss",
                        "admin_password",
                        Fixtures.ADMIN_PASSWORD));
        assertEquals(201, created.status(), created.raw().body());
        smtp.serve(server, tenant);
    }

    @Test
    void theLoginPageShowsTheNameAsText() {
        String redirect = server.baseUrl() + "/realms/" + tenant + "/account/";
        Http.Reply page = Http.get(
                server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/auth?client_id=account-console"
                        + "&response_type=code&scope=openid&code_challenge_method=S256&code_challenge=" + "a".repeat(43)
                        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
        assertEquals(200, page.status(), page.raw().body());
        String html = page.raw().body();
        assertTrue(html.contains("id=\"kc-form-login\""), "the login page: " + html);
        assertFalse(INJECTED.matcher(html).find(), "an element from the name: " + html);
        assertTrue(html.contains(ESCAPED_NAME), "the name as text: " + html);
    }

    @Test
    void theLockoutMailShowsTheNameAsText() {
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "lena", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401,
                    Http.post(
                                    server.apiUrl(tenant) + "/auth/login",
                                    null,
                                    Map.of("username", "lena", "password", "wrong-" + i))
                            .status());
        }
        String mail = htmlPart(smtp.awaitMailTo("lena@" + tenant + ".example", Duration.ofSeconds(20)));
        assertFalse(INJECTED.matcher(mail).find(), "an element from the name: " + mail);
        assertTrue(mail.contains(ESCAPED_NAME), "the name as text in the HTML part: " + mail);
    }

    @Test
    void keycloaksResetMailShowsTheNameAsText() {
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "mona", PASSWORD, true, "user");
        RawHttp.Response sent = HostHeaderIT.forgotPassword(
                server, tenant, "mona", server.baseUrl().substring("http://".length()));
        assertEquals(200, sent.status(), sent.body());
        String mail = htmlPart(smtp.awaitMailTo("mona@" + tenant + ".example", Duration.ofSeconds(20)));
        assertFalse(INJECTED.matcher(mail).find(), "an element from the name: " + mail);
        assertTrue(mail.contains(ESCAPED_NAME), "the name as text in the HTML part: " + mail);
    }

    /** The mail's HTML part (the text part shows the name as it is, which is right for plain text). */
    private static String htmlPart(SmtpSink.Mail mail) {
        String decoded = mail.decoded();
        int type = decoded.indexOf("Content-Type: text/html");
        assertTrue(type >= 0, "an HTML part: " + decoded);
        int start = decoded.indexOf("\r\n\r\n", type);
        int end = decoded.indexOf("\r\n--", start);
        return decoded.substring(start, end < 0 ? decoded.length() : end);
    }
}
