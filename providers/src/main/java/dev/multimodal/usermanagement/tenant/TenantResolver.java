package dev.multimodal.usermanagement.tenant;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Locale;
import java.util.Optional;

/**
 * Which tenant a register or login call is for: {@code tenant_id} if given, else the tenant whose domain is the
 * e-mail's domain, else the realm in the path. One indexed query at most; never a walk over all realms.
 */
public final class TenantResolver {

    private final KeycloakSession session;
    private final String platformRealm;

    public TenantResolver(KeycloakSession session, String platformRealm) {
        this.session = session;
        this.platformRealm = platformRealm;
    }

    /** Empty when {@code tenant_id} names no tenant, or when everything points at the platform realm. */
    public Optional<RealmModel> resolve(String tenantId, String email, RealmModel pathRealm) {
        RealmModel realm;
        if (tenantId != null && !tenantId.isBlank()) {
            realm = session.realms().getRealmByName(tenantId.trim());
        } else {
            realm = domainOf(email)
                    .flatMap(domain -> new TenantService(session).byDomain(domain))
                    .map(Tenant::realm)
                    .orElse(pathRealm);
        }
        if (realm == null || realm.getName().equals(platformRealm)) {
            return Optional.empty();
        }
        return Optional.of(realm);
    }

    static Optional<String> domainOf(String email) {
        if (email == null) {
            return Optional.empty();
        }
        int at = email.lastIndexOf('@');
        return at < 0 || at == email.length() - 1 ? Optional.empty()
                : Optional.of(email.substring(at + 1).trim().toLowerCase(Locale.ROOT));
    }
}
