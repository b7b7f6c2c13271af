package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * An app of a tenant in a real browser: it logs a user in through the themed login page (authorization code + PKCE),
 * and its page, on its own origin, calls the API with the user's token.
 */
class AppLoginBrowserIT {

    private static final String PASSWORD = "Browser-Pass123";

    private static KeycloakServer server;
    private static LocalSite site;
    private static String tenant;

    @BeforeAll
    static void tenantWithApp() {
        server = KeycloakServer.get();
        site = new LocalSite();
        tenant = Fixtures.createTenant(server, Tokens.recentPlatformAdmin(server), Fixtures.unique("browser"), false);
        Fixtures.createUser(server, Tokens.recentPlatformAdmin(server), tenant, "ada", PASSWORD, true, "user");
    }

    /**
     * The app's page on its own origin (the test's site, {@code 127.0.0.1}, beside Keycloak's {@code localhost}) calls
     * {@code /users/me} with fetch() and the user's token; a page on an origin the app does not allow cannot read it.
     */
    @Test
    void aPageOnTheAppsOriginCallsTheApi() throws Exception {
        OidcApp app = OidcApp.register(server, tenant, "spa", site);
        try (LocalSite elsewhere = new LocalSite();
                WebBrowser browser = new WebBrowser()) {
            browser.open(app.authorizationUrl());
            browser.signIn("ada", PASSWORD);
            browser.waitForUrl(app.redirectUri);
            String token = app.exchange(browser.url()).path("access_token").asText();

            String page = mePage(server.apiUrl(tenant) + "/users/me");
            site.page("/me.html", page);
            browser.open(site.origin() + "/me.html#" + token);
            String shown = browser.awaitText(By.id("result"));
            browser.screenshot("cors-app-origin");
            assertEquals("200 ada " + tenant, shown, "the page read the API's answer");

            elsewhere.page("/me.html", page);
            browser.open(elsewhere.origin() + "/me.html#" + token);
            String refused = browser.awaitText(By.id("result"));
            browser.screenshot("cors-other-origin");
            assertTrue(refused.startsWith("failed"), "another origin cannot read the answer: " + refused);
        }
    }

    /** A page that calls {@code url} with the token in its fragment and shows status, username and tenant. */
    private static String mePage(String url) {
        return """
                <!DOCTYPE html><title>me</title>
                <p>A page on <b id="origin"></b> calls GET /users/me with the user's token:</p><p id="result"></p>
                <script>
                  document.getElementById("origin").textContent = location.origin;
                  fetch(%s, { headers: { Authorization: "Bearer " + location.hash.substring(1) } })
                    .then(response => response.json().then(me => response.status + " " + me.username + " " + me.tenant_id))
                    .catch(error => "failed: " + error)
                    .then(text => { document.getElementById("result").textContent = text; });
                </script>
                """.formatted('"' + url + '"');
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @Test
    void anAppLogsAUserInWithCodeAndPkce() throws Exception {
        OidcApp app = OidcApp.register(server, tenant, "shop", site);
        try (WebBrowser browser = new WebBrowser()) {
            browser.open(app.authorizationUrl());
            browser.find(By.id("kc-form-login"));
            browser.screenshot("app-login-page");
            browser.signIn("ada", PASSWORD);
            browser.waitForUrl(app.redirectUri);
            browser.screenshot("app-login-redirected");

            JsonNode tokens = app.exchange(browser.url());
            JWTClaimsSet id = app.verify(tokens.path("id_token").asText());
            assertEquals(server.baseUrl() + "/realms/" + tenant, id.getIssuer());
            assertTrue(id.getAudience().contains(app.clientId), "audience: " + id.getAudience());
            assertEquals(app.clientId, id.getStringClaim("azp"));
            assertEquals(app.nonce, id.getStringClaim("nonce"));
            assertEquals("ada", id.getStringClaim("preferred_username"));
            assertEquals("ada@" + tenant + ".example", id.getStringClaim("email"));
            assertTrue(id.getExpirationTime().after(new Date()), "not expired: " + id.getExpirationTime());
            JWTClaimsSet access = app.verify(tokens.path("access_token").asText());
            assertEquals(id.getSubject(), access.getSubject());
        }
    }
}
