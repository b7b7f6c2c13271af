package dev.multimodal.usermanagement.api.tenants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.multimodal.usermanagement.audit.AuditEventTypes;
import dev.multimodal.usermanagement.audit.AuditRetention;
import dev.multimodal.usermanagement.lockout.LockoutFlows;
import dev.multimodal.usermanagement.lockout.LockoutSettings;
import dev.multimodal.usermanagement.tenant.DefaultRole;
import dev.multimodal.usermanagement.tenant.OfflineAccess;
import dev.multimodal.usermanagement.tenant.Tenant;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.RealmModel;

/** Request and response bodies of /tenants, snake_case on the wire. */
public final class TenantRepresentations {

    private TenantRepresentations() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateTenant(
            String id,
            String name,
            String description,
            String domain,
            String adminEmail,
            String adminUsername,
            String adminPassword,
            String adminFirstName,
            String adminLastName) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateTenant(String name, String description, String domain, Boolean isActive) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantView(
            String id, String name, String description, String domain, boolean isActive, String createdAt) {

        static TenantView of(Tenant tenant) {
            return new TenantView(
                    tenant.id(),
                    tenant.entry().getDisplayName(),
                    tenant.entry().getDescription(),
                    tenant.entry().getDomain(),
                    tenant.realm().isEnabled(),
                    Instant.ofEpochMilli(tenant.entry().getCreatedAt()).toString());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantPage(List<TenantView> items, long total, int page, int pageSize) {}

    /**
     * Per-tenant settings; in a PUT, absent fields stay as they are. {@code audit_retention_days} and
     * {@code audit_event_types} are JSON nodes so a PUT can tell an explicit {@code null} (keep rows forever; record
     * Keycloak's default event types) from an absent field (no change).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Settings(
            Boolean registrationAllowed,
            String passwordPolicy,
            Integer accessTokenLifespanSeconds,
            Integer refreshTokenLifespanSeconds,
            Lockout lockout,
            JsonNode auditRetentionDays,
            Boolean offlineAccess,
            JsonNode auditEventTypes,
            String defaultRole) {

        static Settings of(RealmModel realm) {
            Integer retention = AuditRetention.of(realm);
            return new Settings(
                    realm.isRegistrationAllowed(),
                    realm.getPasswordPolicy().toString(),
                    realm.getAccessTokenLifespan(),
                    realm.getSsoSessionIdleTimeout(),
                    Lockout.of(LockoutFlows.settingsOf(realm)),
                    retention == null ? NullNode.getInstance() : IntNode.valueOf(retention),
                    OfflineAccess.isOn(realm),
                    eventTypes(AuditEventTypes.chosen(realm)),
                    DefaultRole.of(realm));
        }

        private static JsonNode eventTypes(List<String> chosen) {
            if (chosen == null) {
                return NullNode.getInstance();
            }
            ArrayNode types = JsonNodeFactory.instance.arrayNode();
            chosen.forEach(types::add);
            return types;
        }
    }

    /** The tenant's lockout and rate limits: the config of its lockout step, as the admin console shows it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lockout(
            Integer maxFailures,
            Integer failureWindowMinutes,
            Integer lockoutMinutes,
            Double lockoutGrowthFactor,
            Integer lockoutCapMinutes,
            Integer failuresPerIpPerMinute,
            Integer requestsPerIpPerMinute,
            Integer requestsPerUsernamePerMinute,
            String failureMode,
            Boolean lockoutEmail) {

        static Lockout of(LockoutSettings settings) {
            return new Lockout(
                    settings.maxFailures(),
                    (int) settings.failureWindow().toMinutes(),
                    (int) settings.lockoutDuration().toMinutes(),
                    settings.lockoutGrowthFactor(),
                    (int) settings.lockoutCap().toMinutes(),
                    settings.failuresPerIpPerMinute(),
                    settings.requestsPerIpPerMinute(),
                    settings.requestsPerUsernamePerMinute(),
                    settings.failureMode().name(),
                    settings.lockoutEmail());
        }

        /** The given fields as the step's config keys. */
        Map<String, String> asConfig() {
            Map<String, String> config = new LinkedHashMap<>();
            put(config, LockoutSettings.MAX_FAILURES, maxFailures);
            put(config, LockoutSettings.FAILURE_WINDOW_MINUTES, failureWindowMinutes);
            put(config, LockoutSettings.LOCKOUT_MINUTES, lockoutMinutes);
            put(config, LockoutSettings.LOCKOUT_GROWTH_FACTOR, lockoutGrowthFactor);
            put(config, LockoutSettings.LOCKOUT_CAP_MINUTES, lockoutCapMinutes);
            put(config, LockoutSettings.FAILURES_PER_IP_PER_MINUTE, failuresPerIpPerMinute);
            put(config, LockoutSettings.REQUESTS_PER_IP_PER_MINUTE, requestsPerIpPerMinute);
            put(config, LockoutSettings.REQUESTS_PER_USERNAME_PER_MINUTE, requestsPerUsernamePerMinute);
            put(config, LockoutSettings.FAILURE_MODE, failureMode);
            put(config, LockoutSettings.LOCKOUT_EMAIL, lockoutEmail);
            return config;
        }

        private static void put(Map<String, String> config, String key, Object value) {
            if (value != null) {
                config.put(key, String.valueOf(value));
            }
        }
    }
}
