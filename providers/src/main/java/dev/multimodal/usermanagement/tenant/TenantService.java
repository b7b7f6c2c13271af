package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.user.ProfileRules;
import dev.multimodal.usermanagement.user.UserAccounts;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.RealmManager;

/**
 * Creates, changes and removes tenants. Everything happens in the request's Keycloak transaction: a failure
 * anywhere (taken name or domain, weak admin password, crash) rolls back the realm, its admin and its
 * registry row together.
 */
public final class TenantService {

    private static final Logger LOG = Logger.getLogger(TenantService.class);

    private final KeycloakSession session;
    private final TenantRegistry registry;

    public TenantService(KeycloakSession session) {
        this.session = session;
        this.registry = new TenantRegistry(session);
    }

    public record NewTenant(
            String id,
            String displayName,
            String description,
            String domain,
            String adminUsername,
            String adminEmail,
            String adminPassword,
            String adminFirstName,
            String adminLastName) {}

    public Tenant create(TenantTemplate template, NewTenant request) {
        if (session.realms().getRealmByName(request.id()) != null
                || registry.byName(request.id()).isPresent()) {
            throw new ModelDuplicateException("tenant " + request.id() + " exists");
        }
        String domain = normalizedDomain(request.domain());
        if (domain != null && registry.byDomain(domain).isPresent()) {
            throw new ModelDuplicateException("domain " + domain + " is taken");
        }

        RealmModel realm =
                new RealmManager(session).importRealm(template.forTenant(request.id(), request.displayName()));
        TenantEntity entry = registry.ensure(realm);
        entry.setDisplayName(request.displayName());
        entry.setDescription(request.description());
        entry.setDomain(domain);

        UserModel admin;
        try {
            admin = new UserAccounts(session, realm)
                    .create(new UserAccounts.NewUser(
                            request.adminUsername(),
                            request.adminEmail(),
                            request.adminFirstName(),
                            request.adminLastName(),
                            request.adminPassword(),
                            false,
                            TenantRoles.ADMIN));
        } catch (ProfileRules.InvalidProfileException refused) {
            throw refused.prefixed("admin_"); // the request's admin_username, admin_email, ...
        }
        admin.setEmailVerified(true);

        // surface a concurrent create of the same name or domain now, as a conflict, not at commit
        registry.flush();
        LOG.infof("Tenant %s created with admin %s", realm.getName(), admin.getUsername());
        return new Tenant(realm, entry);
    }

    public Optional<Tenant> find(String id) {
        RealmModel realm = id == null ? null : session.realms().getRealmByName(id);
        if (realm == null) {
            return Optional.empty();
        }
        return registry.byName(id).map(entry -> new Tenant(realm, entry));
    }

    public Optional<Tenant> byDomain(String domain) {
        return registry.byDomain(domain)
                .flatMap(entry -> Optional.ofNullable(session.realms().getRealm(entry.getRealmId()))
                        .map(realm -> new Tenant(realm, entry)));
    }

    public TenantRegistry registry() {
        return registry;
    }

    public void changeDomain(Tenant tenant, String domain) {
        String normalized = normalizedDomain(domain);
        Optional<TenantEntity> holder = normalized == null ? Optional.empty() : registry.byDomain(normalized);
        if (holder.isPresent()
                && !holder.get().getRealmId().equals(tenant.realm().getId())) {
            throw new ModelDuplicateException("domain " + normalized + " is taken");
        }
        tenant.entry().setDomain(normalized);
    }

    /** A disabled tenant cannot log in, and its sessions end so its tokens stop working at once. */
    public void setEnabled(Tenant tenant, boolean enabled) {
        tenant.realm().setEnabled(enabled);
        if (!enabled) {
            session.sessions().removeUserSessions(tenant.realm());
            LOG.infof("Tenant %s disabled", tenant.id());
        }
    }

    public void purge(Tenant tenant) {
        new RealmManager(session).removeRealm(tenant.realm());
        LOG.infof("Tenant %s removed", tenant.id());
    }

    static String normalizedDomain(String domain) {
        return domain == null || domain.isBlank() ? null : domain.trim().toLowerCase(Locale.ROOT);
    }
}
