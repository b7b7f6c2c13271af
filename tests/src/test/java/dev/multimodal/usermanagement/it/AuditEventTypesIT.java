package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the audit listener records is what the realm saves: Keycloak's default event types (no refresh, no
 * userinfo) unless the realm chooses its own (admin console, or the tenant setting {@code audit_event_types}, the
 * same list); admin events when the realm saves them; the lockout's events and the API's own actions always.
 */
class AuditEventTypesIT {

    private static KeycloakServer server;
    private static AuditSupport audit;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        audit = new AuditSupport(server);
    }

    /** A login, a token refresh and a userinfo call by alice. */
    private static void loginRefreshUserinfo(AuditSupport.Tenant tenant) {
        Http.Reply login = AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        Http.Reply refreshed = Http.post(
                tenant.api() + "/auth/refresh",
                null,
                Map.of("refresh_token", login.json().path("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.raw().body());
        Http.Reply userinfo = Http.get(
                server.baseUrl() + "/realms/" + tenant.id() + "/protocol/openid-connect/userinfo",
                refreshed.json().path("access_token").asText());
        assertEquals(200, userinfo.status(), userinfo.raw().body());
    }

    private static long count(AuditSupport.Tenant tenant, String type) {
        return audit.rows(tenant, "type=" + type).size();
    }

    /** Refreshes and userinfo calls are written behind the request (within milliseconds): wait for their rows. */
    private static void awaitCount(AuditSupport.Tenant tenant, String type, long expected) {
        Wait.until(expected + " " + type + " rows", Duration.ofSeconds(10), () -> count(tenant, type) >= expected);
        assertEquals(expected, count(tenant, type), type);
    }

    @Test
    void keycloaksDefaultTypesLeaveOutRefreshAndUserinfoAndAChosenListDecides() {
        AuditSupport.Tenant tenant = audit.tenant("types");
        audit.user(tenant, "alice");
        assertTrue(
                Http.get(AuditSupport.settings(tenant), tenant.bossToken())
                        .json()
                        .path("audit_event_types")
                        .isNull(),
                "Keycloak's default set");
        loginRefreshUserinfo(tenant);
        assertEquals(1, count(tenant, "LOGIN") - 1, "alice's login (and the boss's)");
        assertEquals(0, count(tenant, "REFRESH_TOKEN"));
        assertEquals(0, count(tenant, "USER_INFO_REQUEST"));

        // more types: the tenant setting is the realm's enabled event types, as the admin console shows them
        Http.Reply more = Http.put(
                AuditSupport.settings(tenant),
                tenant.bossToken(),
                Map.of("audit_event_types", List.of("LOGIN", "REFRESH_TOKEN", "USER_INFO_REQUEST")));
        assertEquals(200, more.status(), more.raw().body());
        assertEquals(
                List.of("LOGIN", "REFRESH_TOKEN", "USER_INFO_REQUEST"),
                strings(more.json().path("audit_event_types")));
        JsonNode realm = Http.get(server.baseUrl() + "/admin/realms/" + tenant.id(), audit.platform())
                .json();
        assertEquals(
                List.of("LOGIN", "REFRESH_TOKEN", "USER_INFO_REQUEST"),
                strings(realm.path("enabledEventTypes")).stream().sorted().toList());
        loginRefreshUserinfo(tenant);
        assertEquals(2, count(tenant, "LOGIN") - 1);
        awaitCount(tenant, "REFRESH_TOKEN", 1);
        awaitCount(tenant, "USER_INFO_REQUEST", 1);

        // fewer: a type left out is not recorded (a wrong password: no LOGIN_ERROR) ...
        assertEquals(
                200,
                Http.put(
                                AuditSupport.settings(tenant),
                                tenant.bossToken(),
                                Map.of(
                                        "audit_event_types",
                                        List.of("USER_INFO_REQUEST"),
                                        "lockout",
                                        Map.of("max_failures", 2)))
                        .status());
        loginRefreshUserinfo(tenant);
        assertEquals(2, count(tenant, "LOGIN") - 1, "LOGIN no longer chosen");
        awaitCount(tenant, "USER_INFO_REQUEST", 2);
        assertEquals(1, count(tenant, "REFRESH_TOKEN"));
        for (int i = 0; i < 3; i++) {
            AuditSupport.login(tenant.api(), "alice", "Wrong-Pass999");
        }
        assertEquals(0, count(tenant, "LOGIN_ERROR"));
        // ... but the lockout's events and the API's own actions are recorded whatever the realm chooses
        assertTrue(
                count(tenant, "USER_DISABLED_BY_TEMPORARY_LOCKOUT") >= 1,
                audit.rows(tenant, "").toString());
        assertTrue(count(tenant, "ADMIN_TENANT_SETTINGS_UPDATE") >= 2);

        // back to Keycloak's default
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("audit_event_types", null);
        Http.Reply reset = Http.put(AuditSupport.settings(tenant), tenant.bossToken(), defaults);
        assertEquals(200, reset.status(), reset.raw().body());
        assertTrue(reset.json().path("audit_event_types").isNull());
        assertTrue(audit.verify(tenant).path("valid").asBoolean());
    }

    @Test
    void adminEventsFollowTheRealmsSettingButTheApisActionsAreAlwaysRecorded() {
        AuditSupport.Tenant tenant = audit.tenant("types");
        JsonNode realm = Http.get(server.baseUrl() + "/admin/realms/" + tenant.id(), audit.platform())
                .json();
        assertTrue(realm.path("adminEventsEnabled").asBoolean(), "the tenant template saves admin events");
        assertEquals(
                204,
                Http.put(
                                server.baseUrl() + "/admin/realms/" + tenant.id(),
                                audit.platform(),
                                Map.of("adminEventsEnabled", false))
                        .status());
        long before = count(tenant, "ADMIN_USER_CREATE");
        // a console (admin REST) action: not saved by the realm, not recorded
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant.id() + "/users",
                audit.platform(),
                Map.of("username", "console-made", "enabled", true));
        assertEquals(201, created.status(), created.raw().body());
        assertEquals(before, count(tenant, "ADMIN_USER_CREATE"), "the realm saves no admin events");
        // an action of our API: recorded
        assertEquals(
                200,
                Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("registration_allowed", true))
                        .status());
        assertTrue(count(tenant, "ADMIN_TENANT_SETTINGS_UPDATE") >= 2, "the API's action");
    }

    @Test
    void badEventTypesAreRefusedAsProblemJsonAndNothingIsHalfSet() {
        AuditSupport.Tenant tenant = audit.tenant("types");
        boolean registration = Http.get(AuditSupport.settings(tenant), tenant.bossToken())
                .json()
                .path("registration_allowed")
                .asBoolean();
        List<Object> bad = new ArrayList<>(List.of(
                "LOGIN", List.of(), List.of("NOPE"), List.of("LOGIN", 3), Map.of("LOGIN", true), List.of("login"), 7));
        for (Object value : bad) {
            Http.Reply reply = Http.put(
                    AuditSupport.settings(tenant),
                    tenant.bossToken(),
                    Map.of("audit_event_types", value, "registration_allowed", !registration));
            assertEquals(400, reply.status(), value + ": " + reply.raw().body());
            assertTrue(
                    reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
            assertEquals(
                    "audit_event_types",
                    reply.json().path("errors").path(0).path("field").asText(),
                    reply.raw().body());
        }
        JsonNode now =
                Http.get(AuditSupport.settings(tenant), tenant.bossToken()).json();
        assertTrue(now.path("audit_event_types").isNull());
        assertEquals(registration, now.path("registration_allowed").asBoolean(), "nothing half-set");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
