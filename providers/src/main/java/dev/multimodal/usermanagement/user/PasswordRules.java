package dev.multimodal.usermanagement.user;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.theme.Theme;

/**
 * Checks a password against every rule of the realm's policy and names each one it breaks (Keycloak's
 * own check stops at the first). The rules read their settings from the context realm: it must be {@code realm}.
 */
final class PasswordRules {

    private PasswordRules() {}

    static List<String> broken(KeycloakSession session, RealmModel realm, UserModel user, String password) {
        Properties messages = messages(session, realm);
        List<String> broken = new ArrayList<>();
        for (String policyId : realm.getPasswordPolicy().getPolicies()) {
            PasswordPolicyProvider rule = session.getProvider(PasswordPolicyProvider.class, policyId);
            PolicyError error = rule == null ? null : rule.validate(realm, user, password);
            if (error != null) {
                String pattern = messages.getProperty(error.getMessage(), error.getMessage());
                broken.add(new MessageFormat(pattern, Locale.ENGLISH).format(error.getParameters()));
            }
        }
        return broken;
    }

    private static Properties messages(KeycloakSession session, RealmModel realm) {
        try {
            return session.theme().getTheme("base", Theme.Type.LOGIN).getEnhancedMessages(realm, Locale.ENGLISH);
        } catch (IOException e) {
            return new Properties();
        }
    }
}
