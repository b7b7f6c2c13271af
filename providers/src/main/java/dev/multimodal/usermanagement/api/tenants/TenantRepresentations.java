package dev.multimodal.usermanagement.api.tenants;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.multimodal.usermanagement.tenant.Tenant;
import org.keycloak.models.RealmModel;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of /tenants, snake_case on the wire. */
public final class TenantRepresentations {

    private TenantRepresentations() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateTenant(String id, String name, String description, String domain,
                        String adminEmail, String adminUsername, String adminPassword,
                        String adminFirstName, String adminLastName) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateTenant(String name, String description, String domain, Boolean isActive) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantView(String id, String name, String description, String domain, boolean isActive, String createdAt) {

        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id(), tenant.entry().getDisplayName(), tenant.entry().getDescription(),
                    tenant.entry().getDomain(), tenant.realm().isEnabled(),
                    Instant.ofEpochMilli(tenant.entry().getCreatedAt()).toString());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantPage(List<TenantView> items, long total, int page, int pageSize) {
    }

    /** Per-tenant settings; in a PUT, absent fields stay as they are. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Settings(Boolean registrationAllowed, String passwordPolicy,
                    Integer accessTokenLifespanSeconds, Integer refreshTokenLifespanSeconds) {

        static Settings of(RealmModel realm) {
            return new Settings(realm.isRegistrationAllowed(), realm.getPasswordPolicy().toString(),
                    realm.getAccessTokenLifespan(), realm.getSsoSessionIdleTimeout());
        }
    }
}
