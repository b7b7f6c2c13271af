package dev.multimodal.usermanagement.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

/** The imported demo tenant must come from the same template as tenants created through the API. */
class TenantTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a tenant may differ in: its name, its users, and lifespans that the run command takes from the old variables. */
    private static final Set<String> PER_TENANT = Set.of(
            "realm",
            "displayName",
            "users",
            "attributes",
            "accessTokenLifespan",
            "ssoSessionIdleTimeout",
            "ssoSessionMaxLifespan");

    @Test
    void packagedTemplateIsARealmRepresentation() {
        RealmRepresentation realm = TenantTemplate.load().forTenant("acme", "Acme");
        assertEquals("acme", realm.getRealm());
        assertEquals("Acme", realm.getDisplayName());
        assertTrue(realm.isEnabled());
        assertTrue(realm.getRoles().getRealm().size() >= TenantRoles.ROLES.size());
    }

    @Test
    void demoRealmIsTheTemplatePlusItsUsers() throws IOException {
        JsonNode template = JSON.readTree(new File("../realm-config/tenant-template.json"));
        JsonNode demo = JSON.readTree(new File("../realm-config/import/demo-realm.json"));
        for (Iterator<Map.Entry<String, JsonNode>> fields = template.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!PER_TENANT.contains(field.getKey())) {
                assertEquals(
                        field.getValue(),
                        demo.get(field.getKey()),
                        "demo-realm.json differs from the template in " + field.getKey());
            }
        }
        for (Iterator<String> names = demo.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertTrue(
                    template.has(name) || PER_TENANT.contains(name),
                    "demo-realm.json has " + name + " that the template lacks");
        }
    }

    @Test
    void templateHasTheCompositeRoleChainAndThePolicy() throws IOException {
        JsonNode template = JSON.readTree(new File("../realm-config/tenant-template.json"));
        String roles = template.path("roles").path("realm").toString();
        for (String role : TenantRoles.ROLES) {
            assertTrue(roles.contains("\"name\":\"" + role + "\""), role);
        }
        String policy = template.path("passwordPolicy").asText();
        for (String rule : new String[] {
            "length(8)",
            "upperCase(1)",
            "lowerCase(1)",
            "digits(1)",
            "notUsername",
            "notEmail",
            "passwordHistory(5)",
            "forceExpiredPasswordChange(90)"
        }) {
            assertTrue(policy.contains(rule), rule);
        }
        assertEquals(1800, template.path("accessTokenLifespan").asInt());
        assertEquals(604800, template.path("ssoSessionMaxLifespan").asInt());
        assertTrue(template.path("eventsEnabled").asBoolean());
        assertTrue(template.path("adminEventsEnabled").asBoolean());
        assertEquals("user-management", template.path("loginTheme").asText());
        // the claims come from the realm default client scope 'tenant' (TenantClaimsScope), not from one client
        assertFalse(template.path("clients").toString().contains(TenantClaimsMapper.PROVIDER_ID));
    }

    @Test
    void theApiClientOffersNoOfflineTokens() throws IOException {
        JsonNode template = JSON.readTree(new File("../realm-config/tenant-template.json"));
        JsonNode client = template.path("clients").get(0);
        assertEquals(OfflineAccess.API_CLIENT, client.path("clientId").asText());
        // both lists are explicit: Keycloak would otherwise give the client the realm's defaults, offline_access among
        // them
        assertTrue(
                client.path("defaultClientScopes").isArray()
                        && client.path("optionalClientScopes").isArray(),
                client.toString());
        assertTrue(client.path("defaultClientScopes").toString().contains("\"profile\""), client.toString());
        assertFalse(client.toString().contains("offline_access"), client.toString());
    }
}
