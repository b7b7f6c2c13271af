package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rate limits in the browser's registration and "forgot password" flows of a tenant made from the template
 * (bound there by the server, as in every new tenant), and a completed "forgot password" ending a lock; a real
 * SMTP conversation with {@link SmtpSink} carries the reset link.
 */
class LockoutFlowsIT {

    private static final String PASSWORD = "Start-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void newTenantsGetTheRateLimitsInTheirRegistrationAndResetFlows() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        var realm =
                Http.get(server.baseUrl() + "/admin/realms/" + tenant, token).json();
        assertEquals(
                "user-management registration", realm.path("registrationFlow").asText());
        assertEquals(
                "user-management reset credentials",
                realm.path("resetCredentialsFlow").asText());
        String flows = server.baseUrl() + "/admin/realms/" + tenant + "/authentication/flows/";
        List<String> registration = providers(Http.get(flows + "user-management%20registration/executions", token)
                .json());
        assertTrue(
                registration.indexOf("lockout-rate-limit-registration") >= 0
                        && registration.indexOf("lockout-rate-limit-registration")
                                < registration.indexOf("registration-user-creation"),
                "the limits come before the user is created: " + registration);
        List<String> reset = providers(Http.get(flows + "user-management%20reset%20credentials/executions", token)
                .json());
        assertEquals(
                reset.indexOf("reset-credentials-choose-user") + 1,
                reset.indexOf("lockout-rate-limit"),
                "right after Choose User: " + reset);
    }

    @Test
    void newTenantsLoginPageCountsAgainstTheSameLockAsTheApi() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        assertEquals(
                "user-management browser",
                Http.get(server.baseUrl() + "/admin/realms/" + tenant, token)
                        .json()
                        .path("browserFlow")
                        .asText());
        List<String> browserSteps = providers(Http.get(
                        server.baseUrl() + "/admin/realms/" + tenant
                                + "/authentication/flows/user-management%20browser/executions",
                        token)
                .json());
        assertTrue(
                browserSteps.contains("lockout-rate-limit") && !browserSteps.contains("auth-username-password-form"),
                browserSteps.toString());

        Fixtures.createUser(server, token, tenant, "mia", PASSWORD, true, "user");
        assertEquals(
                302, new Browser(server).login(tenant, "mia", PASSWORD).statusCode(), "the right password logs in");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    200, new Browser(server).login(tenant, "mia", "wrong-" + i).statusCode(), "the form again");
        }
        assertEquals(401, login(tenant, "mia", PASSWORD).status(), "locked by the login page: the API refuses too");
        HttpResponse<String> locked = new Browser(server).login(tenant, "mia", PASSWORD);
        assertEquals(200, locked.statusCode(), "locked: the page a wrong password gets");
        assertTrue(locked.body().contains("Invalid username or password."), locked.body());
    }

    @Test
    void registrationIsRateLimitedPerUsernameWith429AndTheThemedMessage() {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 2));
        Browser browser = new Browser(server);
        HttpResponse<String> registered = browser.register(tenant, "newbie", PASSWORD);
        assertEquals(302, registered.statusCode(), "under the limit, registration works: " + registered.body());

        HttpResponse<String> taken = new Browser(server).register(tenant, "newbie", PASSWORD);
        assertEquals(200, taken.statusCode(), "the 2nd request: Keycloak's own answer (name taken)");
        HttpResponse<String> limited = new Browser(server).register(tenant, "newbie", PASSWORD);
        assertEquals(429, limited.statusCode(), limited.body());
        assertNotNull(limited.headers().firstValue("Retry-After").orElse(null));
        assertTrue(limited.body().contains("Too many requests. Please wait"), limited.body());
        assertEquals(
                302,
                new Browser(server).register(tenant, "another", PASSWORD).statusCode(),
                "another username is not limited");
    }

    @Test
    void forgotPasswordIsRateLimitedAndItsCompletionEndsTheLock() {
        String tenant = tenant();
        smtp.serve(server, tenant);
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "kate", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(tenant, "kate", "wrong-" + i).status());
        }
        assertEquals(401, login(tenant, "kate", PASSWORD).status(), "locked");

        Browser browser = new Browser(server);
        HttpResponse<String> sent = browser.forgotPassword(tenant, "kate");
        assertEquals(200, sent.statusCode(), "a locked user may reset the password: " + sent.body());
        SmtpSink.Mail mail = smtp.awaitMailTo("kate@" + tenant + ".example", Duration.ofSeconds(20));
        HttpResponse<String> form = browser.get(SmtpSink.link(mail, "action-token"));
        HttpResponse<String> done = browser.submit(
                form,
                "kc-passwd-update-form",
                Map.of("password-new", "Fresh-Pass456", "password-confirm", "Fresh-Pass456"));
        assertTrue(done.statusCode() == 302 || done.statusCode() == 200, done.statusCode() + ": " + done.body());
        Wait.until(
                "kate unlocked by her new password",
                Duration.ofSeconds(5),
                () -> login(tenant, "kate", "Fresh-Pass456").status() == 200);

        Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 2));
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "leo", PASSWORD, true, "user");
        assertEquals(200, new Browser(server).forgotPassword(tenant, "leo").statusCode());
        assertEquals(200, new Browser(server).forgotPassword(tenant, "leo").statusCode());
        HttpResponse<String> limited = new Browser(server).forgotPassword(tenant, "leo");
        assertEquals(429, limited.statusCode(), limited.body());
        assertNotNull(limited.headers().firstValue("Retry-After").orElse(null));
        assertTrue(limited.body().contains("Too many requests. Please wait"), limited.body());
        Wait.until(
                "leo's two mails",
                Duration.ofSeconds(20),
                () -> smtp.mailsTo("leo@" + tenant + ".example").size() == 2);
        assertEquals(2, smtp.mailsTo("leo@" + tenant + ".example").size(), "no mail for the refused request");
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> providers(com.fasterxml.jackson.databind.JsonNode executions) {
        List<String> ids = new java.util.ArrayList<>();
        executions.forEach(e -> ids.add(e.path("providerId").asText()));
        return ids;
    }

    /** A tenant from the template with a public browser client {@code web}. */
    private static String tenant() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("lockflow"), false);
        Fixtures.browserClient(server, token, tenant);
        return tenant;
    }

    private static Http.Reply login(String tenant, String username, String password) {
        return Http.post(
                server.apiUrl(tenant) + "/auth/login", null, Map.of("username", username, "password", password));
    }
}
