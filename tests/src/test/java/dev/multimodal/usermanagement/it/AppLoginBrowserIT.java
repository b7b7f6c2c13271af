package dev.multimodal.usermanagement.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An app of a tenant logs a user in through the themed login page in a real browser: authorization code + PKCE. */
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
            browser.type(By.id("username"), "ada");
            browser.type(By.id("password"), PASSWORD);
            browser.click(By.id("kc-login"));
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
