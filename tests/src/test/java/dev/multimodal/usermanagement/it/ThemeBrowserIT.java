package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Our theme in a real browser, in English and German ({@code ui_locales=de}): the branded login page, our messages
 * for wrong passwords and rate limits, the unlock page, the account console; and the lockout e-mail in German.
 * Screenshots: {@code tests/target/screenshots/theme-*.png}.
 */
class ThemeBrowserIT {

    private static final String PASSWORD = "Theme-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;
    private static LocalSite site;
    private static String tenant;
    private static String tenantName;
    private static OidcApp app;

    @BeforeAll
    static void tenantWithApp() {
        server = KeycloakServer.get();
        site = new LocalSite();
        tenant = Fixtures.createTenant(server, Tokens.recentPlatformAdmin(server), Fixtures.unique("theme"), false);
        tenantName = "Tenant " + tenant;
        smtp.serve(server, tenant);
        app = OidcApp.register(server, tenant, "portal", site);
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @Test
    void theLoginPageShowsOurBrandInEnglish() {
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(app.authorizationUrl());
            browser.find(By.id("kc-form-login"));
            browser.screenshot("theme-login-en");
            assertEquals("Sign in to " + tenantName + " · User Management", browser.title());
            assertEquals(tenantName, browser.text(By.id("um-tenant-name")));
            assertEquals(
                    "User Management",
                    browser.find(By.id("um-product-name"))
                            .getAttribute("textContent")
                            .trim());
            assertTrue(
                    (Boolean) browser.script("const logo = document.querySelector('img.um-logo');"
                            + " return logo.complete && logo.naturalWidth > 0;"),
                    "the logo (SVG) loads");
            assertEquals("Sign in to your account", browser.text(By.id("kc-page-title")));
        }
    }

    @Test
    void uiLocalesDeGivesGermanPagesWithOurGermanMessages() {
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "greta", PASSWORD, true, "user");
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(app.authorizationUrl("ui_locales=de"));
            browser.find(By.id("kc-form-login"));
            browser.screenshot("theme-login-de");
            assertEquals(
                    "Anmeldung bei " + tenantName + " · User Management",
                    browser.title(),
                    "the title keeps the product name");
            assertEquals("Bei Ihrem Konto anmelden", browser.text(By.id("kc-page-title")));
            assertEquals("Anmelden", browser.text(By.id("kc-login")));
            assertEquals(tenantName, browser.text(By.id("um-tenant-name")));

            browser.signIn("greta", "wrong-password");
            String error = browser.text(By.cssSelector(".kc-feedback-text, #input-error"));
            browser.screenshot("theme-login-de-wrong-password");
            assertTrue(
                    error.startsWith("Ungültiger Benutzername oder Passwort. Nach wiederholten Fehlversuchen"), error);
        }
    }

    @Test
    void aRateLimitSaysTooManyRequestsEvenForTheRightPassword() {
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "rita", PASSWORD, true, "user");
        Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 2));
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(app.authorizationUrl());
            for (String password : new String[] {"wrong-1", "wrong-2", PASSWORD}) {
                browser.signIn("rita", password);
                browser.find(By.cssSelector(".kc-feedback-text, #input-error"));
            }
            String message = browser.text(By.cssSelector(".kc-feedback-text"));
            browser.screenshot("theme-rate-limited-en");
            assertTrue(message.startsWith("Too many requests. Please wait"), message);
            assertFalse(message.contains("login attempts"), "the password was right: " + message);
        }
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(app.authorizationUrl("ui_locales=de"));
            browser.signIn("rita", PASSWORD);
            String message = browser.text(By.cssSelector(".kc-feedback-text"));
            browser.screenshot("theme-rate-limited-de");
            assertTrue(message.startsWith("Zu viele Anfragen. Bitte warten Sie"), message);
        } finally {
            Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 10));
        }
    }

    @Test
    void theLockoutMailFollowsTheUsersLanguage() {
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        String admin = Tokens.recentPlatformAdmin(server);
        String id = Fixtures.createUser(server, admin, tenant, "uwe", PASSWORD, true, "user");
        String url = server.baseUrl() + "/admin/realms/" + tenant + "/users/" + id;
        ObjectNode user = (ObjectNode) Http.get(url, admin).json();
        user.putObject("attributes").putArray("locale").add("de");
        assertEquals(204, Http.put(url, admin, user).status());
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401, Fixtures.apiLogin(server, tenant, "uwe", "wrong-" + i).status());
        }
        String mail = smtp.awaitMailTo("uwe@" + tenant + ".example", Duration.ofSeconds(30))
                .decoded();
        assertTrue(mail.contains("Subject: Ihr Konto wurde gesperrt"), mail);
        assertTrue(mail.contains("-Konto wurde nach wiederholten fehlgeschlagenen Anmeldeversuchen"), mail);
        assertTrue(mail.contains("User Management"), "the product name in the mail's header: " + mail);
    }

    @Test
    void theAccountConsoleShowsOurName() {
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "anna", PASSWORD, true, "user");
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(server.baseUrl() + "/realms/" + tenant + "/account/");
            browser.signIn("anna", PASSWORD);
            browser.find(By.cssSelector("[data-testid='page-header'] img"));
            browser.until(d -> d.getTitle().equals("User Management · Account"));
            assertTrue(
                    (Boolean)
                            browser.script(
                                    "const logo = document.querySelector(\"[data-testid='page-header'] img\");"
                                            + " return logo.complete && logo.naturalWidth > 0 && logo.src.endsWith('/user-management/logo.svg');"),
                    "our logo in the header");
            browser.screenshot("theme-account-en");
        }
    }

    @Test
    void theUnlockLinkOpensOurUnlockPage() {
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "ulla", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401, Fixtures.apiLogin(server, tenant, "ulla", "wrong-" + i).status());
        }
        String link =
                SmtpSink.link(smtp.awaitMailTo("ulla@" + tenant + ".example", Duration.ofSeconds(30)), "action-token");
        try (WebBrowser browser = new WebBrowser("en")) {
            browser.open(link);
            String title = browser.text(By.id("kc-page-title"));
            browser.screenshot("theme-unlocked-en");
            assertEquals("Account unlocked", title);
            assertTrue(browser.text(By.id("kc-info-message"))
                    .contains("Your account is unlocked. You can sign in again."));
        }
        assertEquals(200, Fixtures.apiLogin(server, tenant, "ulla", PASSWORD).status(), "the lock is over");
    }
}
