package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.api.cors.ApiCors;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.DatabaseFailures;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.common.util.Encode;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The one place that turns a bearer token into a {@link Caller} and decides whether it may act on the realm in the
 * path. The token's realm comes from its issuer (checked again by Keycloak's verifier). The rules, for every
 * bearer endpoint:
 * <ul>
 *   <li>a tenant's token acts only on its own realm's URL (403 elsewhere, the platform realm's URL included);</li>
 *   <li>a platform admin's token acts on any tenant in the path, as that tenant's admin would;</li>
 *   <li>the platform realm is never a tenant: tenant-scoped endpoints answer 404 on its URL;</li>
 *   <li>one's own account and session ({@code /users/me}, logout) only on the token's own realm's URL.</li>
 * </ul>
 * What the caller may do there (roles, permissions) is the resources' decision.
 */
public final class BearerAuth {

    /** What an endpoint acts on, which decides the realms a token is accepted on. */
    public enum Access {
        /** The path's realm: the token's own, or any for platform admins (tenant settings, tenants, audit). */
        REALM,
        /** A tenant's users and data: as {@link #REALM}, and never the platform realm. */
        TENANT,
        /** The caller's own session: only on its token's realm. */
        OWN_SESSION,
        /** The caller's own account: only on its token's realm, and never the platform realm. */
        OWN_ACCOUNT
    }

    private final KeycloakSession session;
    private final String platformRealm;

    public BearerAuth(KeycloakSession session, String platformRealm) {
        this.session = session;
        this.platformRealm = platformRealm;
    }

    /** The caller, acting on the path's realm ({@link Access#REALM}). */
    public Caller authenticate() {
        return authenticate(Access.REALM);
    }

    /** The caller, acting on the tenant in the path ({@link Access#TENANT}). */
    public Caller authenticateForTenant() {
        return authenticate(Access.TENANT);
    }

    public Caller authenticate(Access access) {
        Caller caller = verified();
        RealmModel pathRealm = session.getContext().getRealm();
        if (pathRealm.getName().equals(platformRealm) && (access == Access.TENANT || access == Access.OWN_ACCOUNT)) {
            // nothing in this API acts on platform-realm users
            throw ApiProblem.notFound("The platform realm is not a tenant: use /realms/{tenant}/api/v1.");
        }
        boolean ownRealm = caller.realm().getId().equals(pathRealm.getId());
        if (ownRealm) {
            return caller;
        }
        if (access == Access.OWN_SESSION || access == Access.OWN_ACCOUNT) {
            throw ApiProblem.forbidden("This token belongs to another realm: use it on its own realm's URL.");
        }
        if (!caller.platformAdmin()) {
            throw ApiProblem.forbidden("This token belongs to another tenant.");
        }
        return caller.actingOn(pathRealm);
    }

    private Caller verified() {
        String header = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw ApiProblem.unauthorized("A bearer token is required.");
        }
        String token = header.substring(7).trim();
        RealmModel tokenRealm = enabledRealmOfToken(token);

        KeycloakContext context = session.getContext();
        RealmModel pathRealm = context.getRealm();
        // Keycloak's verifier takes the signing keys from the context realm: switch to the token's realm for it.
        context.setRealm(tokenRealm);
        AuthenticationManager.AuthResult result;
        try {
            result = new AppAuthManager.BearerTokenAuthenticator(session)
                    .setRealm(tokenRealm)
                    .setTokenString(token)
                    .authenticate();
        } catch (RuntimeException e) {
            if (DatabaseFailures.isUnavailable(e)) {
                throw e; // Endpoint answers 503
            }
            result = null; // a malformed token, e.g. a header without "alg": Keycloak's verifier fails on it instead of
            // refusing
        } finally {
            context.setRealm(pathRealm);
        }
        // getUser()/getToken()/getSession(): Keycloak 26.4's AuthResult has only these; 26.5+ also the record accessors
        if (result == null
                || !result.getUser().isEnabled()
                || (result.getToken().getSubject() != null
                        && !result.getToken()
                                .getSubject()
                                .equals(result.getUser().getId()))) {
            throw ApiProblem.unauthorized("The token is invalid, expired or revoked.");
        }
        ApiCors.verified(session, result.getToken());
        boolean platformAdmin = tokenRealm.getName().equals(platformRealm)
                && (TenantRoles.has(tokenRealm, result.getUser(), TenantRoles.ADMIN)
                        || TenantRoles.has(tokenRealm, result.getUser(), TenantRoles.TENANTS_MANAGE));
        return new Caller(tokenRealm, result.getUser(), result.getToken(), result.getSession(), platformAdmin);
    }

    /** The realm named by an (unverified) issuer URL; null when none. Keycloak's verifier checks the issuer later. */
    static RealmModel realmOfIssuer(KeycloakSession session, String issuer) {
        int at = issuer == null ? -1 : issuer.lastIndexOf("/realms/");
        return at < 0
                ? null
                : session.realms().getRealmByName(Encode.decodePath(issuer.substring(at + "/realms/".length())));
    }

    private RealmModel enabledRealmOfToken(String token) {
        String issuer;
        try {
            issuer = new JWSInput(token).readJsonContent(AccessToken.class).getIssuer();
        } catch (JWSInputException | RuntimeException e) {
            throw ApiProblem.unauthorized("The token is invalid, expired or revoked.");
        }
        RealmModel realm = realmOfIssuer(session, issuer);
        if (realm == null || !realm.isEnabled()) {
            throw ApiProblem.unauthorized("The token is invalid, expired or revoked.");
        }
        return realm;
    }
}
