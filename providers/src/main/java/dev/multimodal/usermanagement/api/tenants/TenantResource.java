package dev.multimodal.usermanagement.api.tenants;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multimodal.usermanagement.api.auth.AdminActions;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.PathIds;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.audit.AuditEventTypes;
import dev.multimodal.usermanagement.audit.AuditRetention;
import dev.multimodal.usermanagement.lockout.LockoutFlows;
import dev.multimodal.usermanagement.lockout.LockoutSettings;
import dev.multimodal.usermanagement.tenant.DefaultRole;
import dev.multimodal.usermanagement.tenant.OfflineAccess;
import dev.multimodal.usermanagement.tenant.Tenant;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import dev.multimodal.usermanagement.tenant.TenantService;
import dev.multimodal.usermanagement.user.PasswordPolicyLimits;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;

/** {@code /tenants/{id}} (platform admins) and {@code /tenants/{id}/settings} (also the tenant's own admins). */
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource {

    private static final int MIN_LIFESPAN = 60;
    private static final int MAX_LIFESPAN = 365 * 24 * 3600;
    private static final int MAX_POLICY_LENGTH = 2000;

    private final KeycloakSession session;
    private final BearerAuth auth;
    private final String id;

    TenantResource(KeycloakSession session, BearerAuth auth, String id) {
        this.session = session;
        this.auth = auth;
        this.id = id;
    }

    @GET
    public Response get() {
        return Endpoint.run(session, () -> {
            TenantsResource.requirePlatformAdmin(auth.authenticate());
            return Response.ok(TenantRepresentations.TenantView.of(existing(new TenantService(session))))
                    .build();
        });
    }

    @PUT
    public Response update(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = TenantsResource.requirePlatformAdmin(auth.authenticate());
            TenantRepresentations.UpdateTenant request =
                    JsonBodies.read(headers, body, TenantRepresentations.UpdateTenant.class);
            Validator validator = new Validator().optional("description", request.description(), 1000);
            if (request.name() != null) {
                validator.required("name", request.name(), 255);
            }
            if (request.domain() != null && !request.domain().isBlank()) {
                validator.domain("domain", request.domain().trim().toLowerCase(Locale.ROOT));
            }
            validator.throwIfInvalid();

            TenantService tenants = new TenantService(session);
            Tenant tenant = existing(tenants);
            if (request.name() != null) {
                tenant.entry().setDisplayName(request.name().trim());
                tenant.realm().setDisplayName(request.name().trim());
            }
            if (request.description() != null) {
                tenant.entry().setDescription(request.description());
            }
            if (request.domain() != null) {
                tenants.changeDomain(tenant, request.domain());
            }
            if (request.isActive() != null) {
                tenants.setEnabled(tenant, request.isActive());
            }
            tenants.registry().flush();
            TenantRepresentations.TenantView view = TenantRepresentations.TenantView.of(tenant);
            AdminActions.in(session, caller, tenant.realm())
                    .record(OperationType.UPDATE, AdminActions.TENANT, view, "tenants", tenant.id());
            return Response.ok(view).build();
        });
    }

    /** Disables the tenant; {@code ?purge=true} removes its realm with all its users for good. */
    @DELETE
    public Response delete(@QueryParam("purge") String purge) {
        return Endpoint.run(session, () -> {
            Caller caller = TenantsResource.requirePlatformAdmin(auth.authenticate());
            if (purge != null && !purge.equals("true") && !purge.equals("false")) {
                throw ApiProblem.invalid("purge", "must be true or false");
            }
            TenantService tenants = new TenantService(session);
            Tenant tenant = existing(tenants);
            boolean forGood = "true".equals(purge);
            // recorded in the tenant's log before a purge removes its realm (the log's rows stay)
            AdminActions.in(session, caller, tenant.realm())
                    .detail("purge", Boolean.toString(forGood))
                    .record(
                            forGood ? OperationType.DELETE : OperationType.UPDATE,
                            AdminActions.TENANT,
                            null,
                            "tenants",
                            tenant.id());
            if (forGood) {
                tenants.purge(tenant);
            } else {
                tenants.setEnabled(tenant, false);
            }
            return Response.noContent().build();
        });
    }

    @GET
    @Path("settings")
    public Response settings() {
        return Endpoint.run(session, () -> {
            RealmModel realm = settingsRealm(auth.authenticate());
            return Response.ok(TenantRepresentations.Settings.of(realm)).build();
        });
    }

    @PUT
    @Path("settings")
    public Response updateSettings(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = auth.authenticate();
            RealmModel realm = settingsRealm(caller);
            TenantRepresentations.Settings request =
                    JsonBodies.read(headers, body, TenantRepresentations.Settings.class);
            Validator validator = new Validator()
                    .optional("password_policy", request.passwordPolicy(), MAX_POLICY_LENGTH)
                    .range(
                            "access_token_lifespan_seconds",
                            request.accessTokenLifespanSeconds(),
                            MIN_LIFESPAN,
                            MAX_LIFESPAN)
                    .range(
                            "refresh_token_lifespan_seconds",
                            request.refreshTokenLifespanSeconds(),
                            MIN_LIFESPAN,
                            MAX_LIFESPAN);
            TenantRepresentations.Lockout lockout = request.lockout();
            if (lockout != null) {
                int maxMinutes = 365 * 24 * 60;
                validator
                        .range("lockout.max_failures", lockout.maxFailures(), 1, 1000)
                        .range("lockout.failure_window_minutes", lockout.failureWindowMinutes(), 1, maxMinutes)
                        .range("lockout.lockout_minutes", lockout.lockoutMinutes(), 1, maxMinutes)
                        .range("lockout.lockout_cap_minutes", lockout.lockoutCapMinutes(), 1, maxMinutes)
                        .range("lockout.failures_per_ip_per_minute", lockout.failuresPerIpPerMinute(), 1, 1_000_000)
                        .range("lockout.requests_per_ip_per_minute", lockout.requestsPerIpPerMinute(), 1, 1_000_000)
                        .range(
                                "lockout.requests_per_username_per_minute",
                                lockout.requestsPerUsernamePerMinute(),
                                1,
                                1_000_000);
                if (lockout.lockoutGrowthFactor() != null
                        && !(lockout.lockoutGrowthFactor() >= 1 && lockout.lockoutGrowthFactor() <= 100)) {
                    validator.error("lockout.lockout_growth_factor", "must be between 1 and 100");
                }
                if (lockout.failureMode() != null && !List.of("open", "closed").contains(lockout.failureMode())) {
                    validator.error("lockout.failure_mode", "must be open or closed");
                }
                // the cap must not be below the first lock (the step would otherwise quietly raise it)
                LockoutSettings current = LockoutFlows.settingsOf(realm);
                int lockMinutes = lockout.lockoutMinutes() != null
                        ? lockout.lockoutMinutes()
                        : (int) current.lockoutDuration().toMinutes();
                int capMinutes = lockout.lockoutCapMinutes() != null
                        ? lockout.lockoutCapMinutes()
                        : (int) current.lockoutCap().toMinutes();
                if (!validator.hasErrors() && capMinutes < lockMinutes) {
                    validator.error(
                            lockout.lockoutCapMinutes() != null
                                    ? "lockout.lockout_cap_minutes"
                                    : "lockout.lockout_minutes",
                            "lockout_cap_minutes (" + capMinutes + ") must be at least lockout_minutes (" + lockMinutes
                                    + ")");
                }
            }
            JsonNode retention = request.auditRetentionDays();
            if (retention != null
                    && !retention.isNull()
                    && !(retention.canConvertToInt()
                            && retention.isIntegralNumber()
                            && retention.intValue() >= 1
                            && retention.intValue() <= AuditRetention.MAX_DAYS)) {
                validator.error(
                        "audit_retention_days",
                        "must be null (keep forever) or a whole number of days from 1 to " + AuditRetention.MAX_DAYS);
            }
            List<String> eventTypes = eventTypes(validator, request.auditEventTypes());
            if (request.defaultRole() != null && !DefaultRole.CHOICES.contains(request.defaultRole())) {
                validator.error("default_role", "must be one of " + DefaultRole.CHOICES);
            }
            PasswordPolicy policy = null;
            if (request.passwordPolicy() != null && request.passwordPolicy().length() <= MAX_POLICY_LENGTH) {
                try {
                    policy = PasswordPolicy.parse(session, request.passwordPolicy());
                    // Keycloak checks the rule names and syntax; the numbers must also leave a working, affordable hash
                    for (String problem : PasswordPolicyLimits.problems(session, policy)) {
                        validator.error("password_policy", problem);
                    }
                } catch (ModelException | IllegalArgumentException e) {
                    validator.error("password_policy", "is not a valid Keycloak password policy: " + e.getMessage());
                }
            }
            validator.throwIfInvalid();

            if (lockout != null && !LockoutFlows.updateSettings(realm, lockout.asConfig())) {
                throw ApiProblem.conflict(
                        "The tenant's direct-grant flow has no lockout-rate-limit step; add it in the admin console.");
            }
            if (retention != null) {
                AuditRetention.set(realm, retention.isNull() ? null : retention.intValue());
            }
            if (request.auditEventTypes() != null) {
                AuditEventTypes.choose(realm, eventTypes);
            }
            if (request.registrationAllowed() != null) {
                realm.setRegistrationAllowed(request.registrationAllowed());
            }
            if (request.offlineAccess() != null && !OfflineAccess.set(realm, request.offlineAccess())) {
                throw ApiProblem.conflict(
                        "The tenant has no user-management-api client or no offline_access client scope.");
            }
            if (request.defaultRole() != null) {
                DefaultRole.set(realm, request.defaultRole());
            }
            if (policy != null) {
                realm.setPasswordPolicy(policy);
            }
            if (request.accessTokenLifespanSeconds() != null) {
                realm.setAccessTokenLifespan(request.accessTokenLifespanSeconds());
            }
            if (request.refreshTokenLifespanSeconds() != null) {
                realm.setSsoSessionIdleTimeout(request.refreshTokenLifespanSeconds());
                realm.setSsoSessionMaxLifespan(request.refreshTokenLifespanSeconds());
            }
            TenantRepresentations.Settings settings = TenantRepresentations.Settings.of(realm);
            AdminActions.in(session, caller, realm)
                    .record(
                            OperationType.UPDATE,
                            AdminActions.TENANT_SETTINGS,
                            settings,
                            "tenants",
                            realm.getName(),
                            "settings");
            return Response.ok(settings).build();
        });
    }

    /**
     * {@code audit_event_types}: null (Keycloak's default set) or a list of Keycloak event type names, the same list as
     * the admin console's enabled event types. Returns the names to set (null: the default).
     */
    private static List<String> eventTypes(Validator validator, JsonNode types) {
        if (types == null || types.isNull()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        if (types.isArray() && types.size() <= EventType.values().length * 2) {
            types.forEach(type -> names.add(type.isTextual() ? type.asText() : null));
        }
        if (names.isEmpty() || !types.isArray()) {
            validator.error(
                    "audit_event_types",
                    "must be null (Keycloak's default types) or a non-empty list of Keycloak event types");
            return null;
        }
        List<String> unknown = AuditEventTypes.unknown(names);
        if (!unknown.isEmpty()) {
            validator.error(
                    "audit_event_types",
                    "not Keycloak event types: "
                            + String.join(
                                    ", ",
                                    unknown.stream()
                                            .limit(5)
                                            .map(name -> name == null
                                                    ? "(not a string)"
                                                    : name.length() > 40 ? name.substring(0, 40) + "..." : name)
                                            .toList()));
            return null;
        }
        return names;
    }

    /**
     * Platform admins reach every tenant; a tenant's own admins reach theirs, and any other id, existing or not, is
     * refused alike (no tenant names learnt this way).
     */
    private RealmModel settingsRealm(Caller caller) {
        if (!caller.platformAdmin() && !caller.realm().getName().equals(id)) {
            throw ApiProblem.forbidden("Only your own tenant's settings.");
        }
        Tenant tenant = existing(new TenantService(session));
        if (!caller.has(TenantRoles.TENANT_SETTINGS)) {
            throw ApiProblem.forbidden("Changing tenant settings needs the tenant:settings permission.");
        }
        return tenant.realm();
    }

    private Tenant existing(TenantService tenants) {
        return (PathIds.isPlausible(id) ? tenants.find(id) : Optional.<Tenant>empty())
                .orElseThrow(() -> ApiProblem.notFound("No such tenant."));
    }
}
