package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.UriInfo;
import java.util.Set;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Keycloak's view of brute-force locks. In a realm guarded by the lockout step, a user is "temporarily disabled"
 * while the step's store holds a lock on them, and Keycloak's own counting stays out (the step counts, with its own
 * settings); elsewhere everything goes to Keycloak's protector.
 */
final class LockoutBruteForceProtector implements BruteForceProtector {

    private static final String NOT_LOCKED = LockoutBruteForceProtector.class.getName() + ".notLocked:";

    private final BruteForceProtector keycloak;

    LockoutBruteForceProtector(BruteForceProtector keycloak) {
        this.keycloak = keycloak;
    }

    @Override
    public void failedLogin(
            RealmModel realm, UserModel user, ClientConnection connection, UriInfo uriInfo, Set<String> authMethods) {
        if (!LockoutFlows.usesLockoutStep(realm)) {
            keycloak.failedLogin(realm, user, connection, uriInfo, authMethods);
        }
    }

    @Override
    public void successfulLogin(
            RealmModel realm, UserModel user, ClientConnection connection, UriInfo uriInfo, Set<String> authMethods) {
        if (!LockoutFlows.usesLockoutStep(realm)) {
            keycloak.successfulLogin(realm, user, connection, uriInfo, authMethods);
        }
    }

    /**
     * The step's check has just let this user's attempt through: Keycloak's own checks later in the same request
     * (its password form, OTP) are answered from that, not by asking the store again.
     */
    static void notLockedInThisRequest(KeycloakSession session, UserModel user) {
        if (user != null) {
            session.setAttribute(NOT_LOCKED + user.getId(), Boolean.TRUE);
        }
    }

    @Override
    public boolean isTemporarilyDisabled(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!LockoutFlows.usesLockoutStep(realm)) {
            return keycloak.isTemporarilyDisabled(session, realm, user);
        }
        if (session.getAttribute(NOT_LOCKED + user.getId()) != null) {
            return false;
        }
        return LockoutRateLimitAuthenticatorFactory.storeFor(session)
                .lockState(realm.getId(), AccountKeys.forUser(user.getId()), LockoutFlows.settingsOf(realm))
                .locked();
    }

    /** The lockout step never locks for good; a permanent lock from Keycloak's own detection still counts. */
    @Override
    public boolean isPermanentlyLockedOut(KeycloakSession session, RealmModel realm, UserModel user) {
        return keycloak.isPermanentlyLockedOut(session, realm, user);
    }

    @Override
    public void cleanUpPermanentLockout(KeycloakSession session, RealmModel realm, UserModel user) {
        keycloak.cleanUpPermanentLockout(session, realm, user);
    }

    @Override
    public void close() {
        // the session closes Keycloak's protector itself
    }
}
