package dev.multimodal.usermanagement.tenant;

import java.util.Locale;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Which tenant a register or login call is for. On a tenant's own URL: that tenant (a {@code tenant_id} naming
 * another one matches nothing). On the platform realm's URL, the one base URL for every tenant: {@code tenant_id} if
 * given, else the tenant whose domain is the e-mail's domain. One indexed query at most; never a walk over all realms.
 */
public final class TenantResolver {

    private final KeycloakSession session;
    private final String platformRealm;

    public TenantResolver(KeycloakSession session, String platformRealm) {
        this.session = session;
        this.platformRealm = platformRealm;
    }

    /** Empty when nothing names a tenant, or when what is named is no tenant of this URL. */
    public Optional<RealmModel> resolve(String tenantId, String email, RealmModel pathRealm) {
        boolean named = tenantId != null && !tenantId.isBlank();
        if (!pathRealm.getName().equals(platformRealm)) {
            return named && !tenantId.trim().equals(pathRealm.getName()) ? Optional.empty() : Optional.of(pathRealm);
        }
        RealmModel realm = named
                ? session.realms().getRealmByName(tenantId.trim())
                : domainOf(email)
                        .flatMap(domain -> new TenantService(session).byDomain(domain))
                        .map(Tenant::realm)
                        .orElse(null);
        if (realm == null || realm.getName().equals(platformRealm)) {
            return Optional.empty();
        }
        return Optional.of(realm);
    }

    /** The platform realm, when this is its URL and no tenant is named: where platform admins log in. */
    public Optional<RealmModel> platformLogin(String tenantId, RealmModel pathRealm) {
        boolean named = tenantId != null && !tenantId.isBlank();
        return named || !pathRealm.getName().equals(platformRealm) ? Optional.empty() : Optional.of(pathRealm);
    }

    /** The realm of a token, if this URL serves it: its own tenant's URL or the platform realm's; else null. */
    public RealmModel ofUrl(RealmModel tokenRealm, RealmModel pathRealm) {
        if (tokenRealm == null || tokenRealm.getName().equals(platformRealm)) {
            return null;
        }
        return pathRealm.getName().equals(platformRealm) || pathRealm.getId().equals(tokenRealm.getId())
                ? tokenRealm
                : null;
    }

    static Optional<String> domainOf(String email) {
        if (email == null) {
            return Optional.empty();
        }
        int at = email.lastIndexOf('@');
        return at < 0 || at == email.length() - 1
                ? Optional.empty()
                : Optional.of(email.substring(at + 1).trim().toLowerCase(Locale.ROOT));
    }
}
