package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mail with no SMTP anywhere (the embedded default): the development mailbox writes each mail to the data folder
 * and logs its links, and following them finishes "forgot password" and the lockout e-mail's unlock. A realm with
 * SMTP settings of its own sends for real, never to the mailbox.
 */
class DevelopmentMailIT {

    private static final String PASSWORD = "Start-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void forgotPasswordWritesTheMailLogsTheLinkAndTheLinkSetsANewPassword() {
        String tenant = tenantWithBrowserClient();
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "mia", PASSWORD, true, "user");
        String address = "mia@" + tenant + ".example";
        Fixtures.lockAccount(server, tenant, "mia");

        Browser browser = new Browser(server);
        assertEquals(200, browser.forgotPassword(tenant, "mia").statusCode());
        DevMailbox.Mail mail = DevMailbox.awaitMailTo(server, address);
        String link = DevMailbox.link(mail, "action-token");
        assertTrue(mail.raw().contains("X-Development-Mail:"), "marked as development mail: " + mail.raw());
        Wait.until(
                "the link in Keycloak's log",
                Duration.ofSeconds(10),
                () -> server.log().contains("link: " + link));
        assertTrue(server.log().contains("DEVELOPMENT MAIL (no SMTP configured) to " + address));

        HttpResponse<String> form = browser.get(link);
        HttpResponse<String> done = browser.submit(
                form,
                "kc-passwd-update-form",
                Map.of("password-new", "Fresh-Pass456", "password-confirm", "Fresh-Pass456"));
        assertTrue(done.statusCode() == 302 || done.statusCode() == 200, done.statusCode() + ": " + done.body());
        Wait.until(
                "mia in with her new password (and unlocked by it)",
                Duration.ofSeconds(5),
                () -> Fixtures.apiLogin(server, tenant, "mia", "Fresh-Pass456").status() == 200);
    }

    @Test
    void theLockoutMailsUnlockLinkWorksFromTheMailbox() {
        String tenant = tenantWithBrowserClient();
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "noah", PASSWORD, true, "user");
        Fixtures.lockAccount(server, tenant, "noah");

        DevMailbox.Mail mail = DevMailbox.awaitMailTo(server, "noah@" + tenant + ".example");
        HttpResponse<String> unlocked = new Browser(server).get(DevMailbox.link(mail, "action-token"));
        assertEquals(200, unlocked.statusCode(), unlocked.body());
        assertTrue(unlocked.body().contains("Your account is unlocked"), unlocked.body());
        assertEquals(200, Fixtures.apiLogin(server, tenant, "noah", PASSWORD).status());
    }

    @Test
    void aRealmWithItsOwnSmtpSendsForReal() {
        String tenant = tenantWithBrowserClient();
        smtp.serve(server, tenant);
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "olga", PASSWORD, true, "user");
        String address = "olga@" + tenant + ".example";

        assertEquals(200, new Browser(server).forgotPassword(tenant, "olga").statusCode());
        SmtpSink.link(smtp.awaitMailTo(address, Duration.ofSeconds(20)), "action-token");
        assertEquals(List.of(), DevMailbox.mailsTo(server, address), "nothing in the development mailbox");
    }

    private static String tenantWithBrowserClient() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("devmail"), false);
        Fixtures.browserClient(server, token, tenant);
        return tenant;
    }
}
