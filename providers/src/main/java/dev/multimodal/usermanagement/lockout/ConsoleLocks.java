package dev.multimodal.usermanagement.lockout;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The admin console shows locks (a user's "Temporarily locked" switch, "Unlock all users", Keycloak's
 * {@code attack-detection} endpoints) only in realms with "Brute force detection" on. In a realm guarded by the
 * lockout step that switch does not add Keycloak's counting (see {@link LockoutBruteForceProtector}); it only lets
 * the console show and end the step's locks. New tenants get it from the template.
 */
public final class ConsoleLocks {

    private ConsoleLocks() {}

    /**
     * Upgrade step for tenants created before the template had it: turns "Brute force detection" on in a realm
     * guarded by the lockout step. Idempotent.
     *
     * @return whether it changed the realm
     */
    public static boolean apply(KeycloakSession session, RealmModel realm) {
        if (realm.isBruteForceProtected() || !LockoutFlows.usesLockoutStep(realm)) {
            return false;
        }
        realm.setBruteForceProtected(true);
        return true;
    }
}
