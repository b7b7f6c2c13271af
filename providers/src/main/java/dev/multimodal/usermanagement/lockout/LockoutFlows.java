package dev.multimodal.usermanagement.lockout;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.DefaultAuthenticationFlows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every new tenant realm gets a direct-grant flow made of the lockout step, so API logins and the token endpoint
 * are protected from the start; admins see and configure it in the admin console like any flow. A realm that
 * arrives with a direct-grant flow of its own keeps it.
 */
public final class LockoutFlows {

    public static final String DIRECT_GRANT_ALIAS = "user-management direct grant";
    private static final Logger LOG = Logger.getLogger(LockoutFlows.class);

    private LockoutFlows() {
    }

    static void bindToNewRealms(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created
                    && !created.getCreatedRealm().getName().equals(Config.getAdminRealm())) {
                bindDirectGrant(created.getCreatedRealm());
            }
        });
    }

    static void bindDirectGrant(RealmModel realm) {
        AuthenticationFlowModel current = realm.getDirectGrantFlow();
        if (realm.getFlowByAlias(DIRECT_GRANT_ALIAS) != null
                || (current != null && !DefaultAuthenticationFlows.DIRECT_GRANT_FLOW.equals(current.getAlias()))) {
            return;
        }
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(DIRECT_GRANT_ALIAS);
        flow.setDescription("Username and password with lockout and rate limits (user-management)");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flow = realm.addAuthenticationFlow(flow);

        AuthenticationExecutionModel step = new AuthenticationExecutionModel();
        step.setParentFlow(flow.getId());
        step.setAuthenticator(LockoutRateLimitAuthenticatorFactory.PROVIDER_ID);
        step.setRequirement(AuthenticationExecutionModel.Requirement.REQUIRED);
        step.setPriority(10);
        step.setAuthenticatorFlow(false);
        realm.addAuthenticatorExecution(step);
        realm.setDirectGrantFlow(flow);
        LOG.debugf("Realm %s: direct grant bound to %s", realm.getName(), DIRECT_GRANT_ALIAS);
    }

    /** The settings of the realm's lockout step in its direct-grant flow; the defaults when it has none. */
    public static LockoutSettings settingsOf(RealmModel realm) {
        return lockoutStep(realm)
                .map(step -> step.getAuthenticatorConfig() == null ? null : realm.getAuthenticatorConfigById(step.getAuthenticatorConfig()))
                .map(AuthenticatorConfigModel::getConfig)
                .map(LockoutSettings::from)
                .orElse(LockoutSettings.DEFAULTS);
    }

    /**
     * Writes settings (keys of {@link LockoutSettings}) into the config of the realm's lockout step, the same
     * values the admin console's form edits.
     *
     * @return false when the realm's direct-grant flow has no lockout step
     */
    public static boolean updateSettings(RealmModel realm, Map<String, String> changes) {
        Optional<AuthenticationExecutionModel> found = lockoutStep(realm);
        if (found.isEmpty()) {
            return false;
        }
        AuthenticationExecutionModel step = found.get();
        AuthenticatorConfigModel config = step.getAuthenticatorConfig() == null ? null
                : realm.getAuthenticatorConfigById(step.getAuthenticatorConfig());
        if (config == null) {
            config = new AuthenticatorConfigModel();
            config.setAlias("user-management lockout " + step.getId());
            config.setConfig(new HashMap<>(changes));
            config = realm.addAuthenticatorConfig(config);
            step.setAuthenticatorConfig(config.getId());
            realm.updateAuthenticatorExecution(step);
        } else {
            Map<String, String> merged = new HashMap<>(config.getConfig());
            merged.putAll(changes);
            config.setConfig(merged);
            realm.updateAuthenticatorConfig(config);
        }
        return true;
    }

    private static Optional<AuthenticationExecutionModel> lockoutStep(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getDirectGrantFlow();
        return flow == null ? Optional.empty() : realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(step -> LockoutRateLimitAuthenticatorFactory.PROVIDER_ID.equals(step.getAuthenticator()))
                .findFirst();
    }
}
