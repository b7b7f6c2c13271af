package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * An operator works in Keycloak's admin console (as the bootstrap admin of {@code master}) on a tenant, in a real
 * browser, and what they do reaches our API: a user made there can use it, a lockout setting changed there applies.
 */
class AdminConsoleBrowserIT {

    private static final String PASSWORD = "Console-Pass123";

    private static KeycloakServer server;
    private static String tenant;

    @BeforeAll
    static void tenant() {
        server = KeycloakServer.get();
        tenant = Fixtures.createTenant(server, Tokens.recentPlatformAdmin(server), Fixtures.unique("console"), false);
    }

    @Test
    void aUserCreatedInTheConsoleCallsTheApi() {
        try (WebBrowser browser = console("/" + tenant + "/users/add-user")) {
            browser.type(By.cssSelector("input[name='username']"), "carla");
            browser.type(By.cssSelector("input[name='email']"), "carla@" + tenant + ".example");
            browser.type(By.cssSelector("input[name='firstName']"), "Carla");
            browser.type(By.cssSelector("input[name='lastName']"), "Console");
            browser.screenshot("console-add-user");
            browser.click(By.cssSelector("[data-testid='user-creation-save']"));

            browser.click(By.cssSelector("[data-testid='credentials']"));
            browser.click(By.xpath("//button[normalize-space()='Set password']"));
            browser.type(By.cssSelector("[data-testid='passwordField']"), PASSWORD);
            browser.type(By.cssSelector("[data-testid='passwordConfirmationField']"), PASSWORD);
            WebElement temporary = browser.driver().findElement(By.id("temporaryPassword"));
            if (temporary.isSelected()) {
                browser.script("arguments[0].click();", temporary); // the switch's input is hidden behind its label
            }
            browser.screenshot("console-set-password");
            browser.click(By.cssSelector("[data-testid='confirm']"));
            browser.click(By.xpath("//button[@data-testid='confirm' and normalize-space()='Save password']"));
            browser.until(d -> d.findElements(
                                    By.xpath(
                                            "//*[contains(@class,'pf-v5-c-alert') and contains(.,'The password has been set')]"))
                            .size()
                    > 0);
            browser.screenshot("console-password-set");
        }

        Http.Reply login = Fixtures.apiLogin(server, tenant, "carla", PASSWORD);
        assertEquals(
                200,
                login.status(),
                "the console's user logs in through the API: " + login.raw().body());
        Http.Reply me = Http.get(
                server.apiUrl(tenant) + "/users/me",
                login.json().path("access_token").asText());
        assertEquals(
                200,
                me.status(),
                "a console user has the tenant's default role: " + me.raw().body());
        assertEquals("carla", me.json().path("username").asText());
    }

    @Test
    void aLockoutSettingChangedInTheConsoleApplies() {
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "lars", PASSWORD, true, "user");
        String flowId = null;
        for (JsonNode flow : Http.get(
                        server.baseUrl() + "/admin/realms/" + tenant + "/authentication/flows",
                        Tokens.recentPlatformAdmin(server))
                .json()) {
            if (flow.path("alias").asText().equals("user-management direct grant")) {
                flowId = flow.path("id").asText();
            }
        }
        assertTrue(flowId != null, "the tenant's direct grant flow");
        try (WebBrowser browser = console("/" + tenant + "/authentication/" + flowId + "/default")) {
            browser.click(By.cssSelector("table button[aria-label='Settings']"));
            WebElement alias = browser.find(By.cssSelector("#execution-config-form input[name='alias']"));
            assertEquals(
                    "user-management lockout", alias.getAttribute("value"), "the step's config has a name already");
            assertFalse(alias.isEnabled(), "nothing for the operator to invent");
            browser.type(By.cssSelector("input[data-testid='maxFailures'], [data-testid='maxFailures'] input"), "2");
            browser.screenshot("console-lockout-settings");
            browser.click(By.cssSelector("#execution-config-form [data-testid='save']"));
            Wait.until(
                    "the console saved max failures 2",
                    Duration.ofSeconds(30),
                    () -> Http.get(
                                            server.apiUrl(tenant) + "/tenants/" + tenant + "/settings",
                                            Tokens.recentPlatformAdmin(server))
                                    .json()
                                    .path("lockout")
                                    .path("max_failures")
                                    .asInt()
                            == 2);
        }

        assertEquals(401, Fixtures.apiLogin(server, tenant, "lars", "wrong-1").status());
        assertEquals(401, Fixtures.apiLogin(server, tenant, "lars", "wrong-2").status());
        assertEquals(
                401,
                Fixtures.apiLogin(server, tenant, "lars", PASSWORD).status(),
                "locked after 2 failures, as set in the console");
        Http.Reply settings = Http.get(
                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings", Tokens.recentPlatformAdmin(server));
        assertEquals(
                2,
                settings.json().path("lockout").path("max_failures").asInt(),
                settings.raw().body());
    }

    @Test
    void aLockShowsInTheConsoleAndItsSwitchEndsIt() {
        String id =
                Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "lena", PASSWORD, true, "user");
        Fixtures.lockAccount(server, tenant, "lena");
        assertEquals(401, Fixtures.apiLogin(server, tenant, "lena", PASSWORD).status(), "locked by the lockout step");

        try (WebBrowser browser = console("/" + tenant + "/users")) {
            browser.until(d -> d.getPageSource().contains("Temporarily locked")); // the users list's label
            browser.screenshot("console-users-locked");
        }
        try (WebBrowser browser = console("/" + tenant + "/users/" + id + "/settings")) {
            By lockSwitch = By.cssSelector("[data-testid='user-locked-switch']");
            browser.until(d -> !d.findElements(lockSwitch).isEmpty()
                    && d.findElement(lockSwitch).isSelected());
            browser.screenshot("console-user-locked");
            // the switch's input is hidden behind its label: click it as the label would
            browser.script("arguments[0].click();", browser.driver().findElement(lockSwitch));
            browser.until(d -> d.getPageSource().contains("User successfully unlocked"));
            browser.screenshot("console-user-unlocked");
        }
        assertEquals(
                200,
                Fixtures.apiLogin(server, tenant, "lena", PASSWORD).status(),
                "the console's unlock ended the lock");
    }

    /** A browser logged in to the admin console as the bootstrap admin, showing {@code route} (the part after #). */
    private static WebBrowser console(String route) {
        WebBrowser browser = new WebBrowser("en");
        String console = server.baseUrl() + "/admin/master/console/";
        browser.open(console);
        browser.signIn("admin", "admin");
        browser.until(d -> d.getCurrentUrl().startsWith(console)
                && !d.findElements(By.cssSelector("[data-testid='options-toggle'], #nav-toggle, .pf-v5-c-masthead"))
                        .isEmpty());
        // a fresh load: the console takes its realm from the URL when it starts, not on a later change of the fragment
        browser.open("about:blank");
        browser.open(console + "#" + route);
        browser.until(d -> d.getPageSource().contains("Tenant " + tenant)); // the tenant's name in the realm selector
        return browser;
    }
}
