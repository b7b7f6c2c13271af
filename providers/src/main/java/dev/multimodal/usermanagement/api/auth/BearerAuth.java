package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.api.error.ApiProblem;
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
 * The one place that turns a bearer token into a {@link Caller}. The token's realm comes from its issuer
 * (checked again by Keycloak's verifier), so a platform admin's token works on every tenant's URL while a
 * tenant's token carries its own realm; what the caller may do there is the resources' decision.
 */
public final class BearerAuth {

    private final KeycloakSession session;
    private final String platformRealm;

    public BearerAuth(KeycloakSession session, String platformRealm) {
        this.session = session;
        this.platformRealm = platformRealm;
    }

    public Caller authenticate() {
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
            result = new AppAuthManager.BearerTokenAuthenticator(session).setRealm(tokenRealm).setTokenString(token).authenticate();
        } finally {
            context.setRealm(pathRealm);
        }
        if (result == null || !result.user().isEnabled()) {
            throw ApiProblem.unauthorized("The token is invalid, expired or revoked.");
        }
        boolean platformAdmin = tokenRealm.getName().equals(platformRealm)
                && (TenantRoles.has(tokenRealm, result.user(), TenantRoles.ADMIN)
                || TenantRoles.has(tokenRealm, result.user(), TenantRoles.TENANTS_MANAGE));
        return new Caller(tokenRealm, result.user(), result.token(), result.session(), platformAdmin);
    }

    /** The realm named by an (unverified) issuer URL; null when none. Keycloak's verifier checks the issuer later. */
    static RealmModel realmOfIssuer(KeycloakSession session, String issuer) {
        int at = issuer == null ? -1 : issuer.lastIndexOf("/realms/");
        return at < 0 ? null : session.realms().getRealmByName(Encode.decodePath(issuer.substring(at + "/realms/".length())));
    }

    /**
     * The caller and the tenant it acts on: its own realm, or, for platform admins, the tenant in the path.
     * A tenant's token on another tenant's URL is refused.
     */
    public Caller authenticateForTenant() {
        Caller caller = authenticate();
        RealmModel pathRealm = session.getContext().getRealm();
        if (pathRealm.getId().equals(caller.realm().getId()) || pathRealm.getName().equals(platformRealm)) {
            return caller;
        }
        if (caller.platformAdmin()) {
            return caller.actingOn(pathRealm);
        }
        throw ApiProblem.forbidden("This token belongs to another tenant.");
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
