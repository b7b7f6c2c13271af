package dev.multimodal.usermanagement.tenant;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;

/**
 * Tenants made from templates before 0.1.0 have {@code notUsername(undefined) and notEmail(undefined)} in their password
 * policy (the admin console's way of saving a rule without an argument): the same rules, but that is how it read back.
 * This upgrade step rewrites it as {@code notUsername and notEmail}; a policy without {@code (undefined)} is left alone.
 */
public final class PolicyArgumentsCleanup {

    private PolicyArgumentsCleanup() {}

    /** @return true when the realm's policy changed */
    public static boolean apply(KeycloakSession session, RealmModel realm) {
        String policy = realm.getPasswordPolicy().toString();
        String cleaned = withoutUndefinedArguments(policy);
        if (cleaned.equals(policy)) {
            return false;
        }
        realm.setPasswordPolicy(PasswordPolicy.parse(session, cleaned));
        return true;
    }

    static String withoutUndefinedArguments(String policy) {
        return policy == null ? "" : policy.replace("(undefined)", "");
    }
}
