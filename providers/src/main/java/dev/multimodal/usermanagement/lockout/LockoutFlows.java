package dev.multimodal.usermanagement.lockout;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.DefaultAuthenticationFlows;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Every new tenant realm gets a direct-grant flow made of the lockout step, so API logins and the token endpoint
 * are protected from the start, a copy of Keycloak's browser flow with the step in place of its password form, and
 * copies of Keycloak's registration and "reset credentials" flows with the rate
 * limits in them; admins see and configure them in the admin console like any flow. A realm that arrives with flows
 * of its own (not Keycloak's built-in ones) keeps them.
 */
public final class LockoutFlows {

    public static final String DIRECT_GRANT_ALIAS = "user-management direct grant";
    public static final String REGISTRATION_ALIAS = "user-management registration";
    public static final String RESET_CREDENTIALS_ALIAS = "user-management reset credentials";
    public static final String BROWSER_ALIAS = "user-management browser";
    /**
     * The name of the direct-grant lockout step's config: the tenant's lockout settings. It exists from the start, so
     * the admin console's settings dialog opens on it and never asks the operator to name a new one.
     */
    public static final String CONFIG_ALIAS = "user-management lockout";
    /** Keycloak's username-and-password form, which the lockout step wraps in the browser flow. */
    private static final String PASSWORD_FORM = "auth-username-password-form";

    private static final Logger LOG = Logger.getLogger(LockoutFlows.class);

    private LockoutFlows() {}

    static void bindToNewRealms(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created
                    && !created.getCreatedRealm().getName().equals(Config.getAdminRealm())) {
                bindDirectGrant(created.getCreatedRealm());
                bindBrowser(created.getCreatedRealm());
                bindRegistration(created.getCreatedRealm());
                bindResetCredentials(created.getCreatedRealm());
            }
        });
    }

    static void bindDirectGrant(RealmModel realm) {
        AuthenticationFlowModel current = realm.getDirectGrantFlow();
        if (realm.getFlowByAlias(DIRECT_GRANT_ALIAS) != null
                || (current != null && !DefaultAuthenticationFlows.DIRECT_GRANT_FLOW.equals(current.getAlias()))) {
            return;
        }
        realm.setDirectGrantFlow(directGrantFlow(realm));
        LOG.debugf("Realm %s: direct grant bound to %s", realm.getName(), DIRECT_GRANT_ALIAS);
    }

    /** The realm's flow made of the lockout step, created (unbound) when missing. */
    public static AuthenticationFlowModel directGrantFlow(RealmModel realm) {
        AuthenticationFlowModel existing = realm.getFlowByAlias(DIRECT_GRANT_ALIAS);
        if (existing != null) {
            return existing;
        }
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(DIRECT_GRANT_ALIAS);
        flow.setDescription("Username and password with lockout and rate limits (user-management)");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flow = realm.addAuthenticationFlow(flow);
        AuthenticationExecutionModel step =
                addStep(realm, flow.getId(), LockoutRateLimitAuthenticatorFactory.PROVIDER_ID, 10);
        addConfig(realm, step, defaultSettings());
        return flow;
    }

    /**
     * A copy of Keycloak's browser flow whose username-and-password form is the lockout step (the same form, with the
     * store asked before and told after), so the login page and the API count against the same lock.
     */
    static void bindBrowser(RealmModel realm) {
        AuthenticationFlowModel current = realm.getBrowserFlow();
        if (current == null
                || !DefaultAuthenticationFlows.BROWSER_FLOW.equals(current.getAlias())
                || realm.getFlowByAlias(BROWSER_ALIAS) != null) {
            return;
        }
        AuthenticationFlowModel flow = copy(realm, current, BROWSER_ALIAS, true);
        replaceSteps(realm, flow.getId(), PASSWORD_FORM, LockoutRateLimitAuthenticatorFactory.PROVIDER_ID);
        realm.setBrowserFlow(flow);
        LOG.debugf("Realm %s: browser bound to %s", realm.getName(), BROWSER_ALIAS);
    }

    private static void replaceSteps(RealmModel realm, String flowId, String authenticator, String replacement) {
        for (AuthenticationExecutionModel step :
                realm.getAuthenticationExecutionsStream(flowId).toList()) {
            if (step.isAuthenticatorFlow()) {
                replaceSteps(realm, step.getFlowId(), authenticator, replacement);
            } else if (authenticator.equals(step.getAuthenticator())) {
                step.setAuthenticator(replacement);
                realm.updateAuthenticatorExecution(step);
            }
        }
    }

    /** A copy of Keycloak's registration flow whose form first checks the rate limits. */
    static void bindRegistration(RealmModel realm) {
        AuthenticationFlowModel current = realm.getRegistrationFlow();
        if (current == null
                || !DefaultAuthenticationFlows.REGISTRATION_FLOW.equals(current.getAlias())
                || realm.getFlowByAlias(REGISTRATION_ALIAS) != null) {
            return;
        }
        AuthenticationFlowModel flow = copy(realm, current, REGISTRATION_ALIAS, true);
        realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(AuthenticationExecutionModel::isAuthenticatorFlow)
                .findFirst()
                .ifPresent(form -> {
                    int first = realm.getAuthenticationExecutionsStream(form.getFlowId())
                            .mapToInt(AuthenticationExecutionModel::getPriority)
                            .min()
                            .orElse(10);
                    addStep(realm, form.getFlowId(), LockoutRegistrationFormActionFactory.PROVIDER_ID, first - 1);
                });
        realm.setRegistrationFlow(flow);
        LOG.debugf("Realm %s: registration bound to %s", realm.getName(), REGISTRATION_ALIAS);
    }

    /** A copy of Keycloak's "reset credentials" flow with the lockout step right after "Choose User". */
    static void bindResetCredentials(RealmModel realm) {
        AuthenticationFlowModel current = realm.getResetCredentialsFlow();
        if (current == null
                || !DefaultAuthenticationFlows.RESET_CREDENTIALS_FLOW.equals(current.getAlias())
                || realm.getFlowByAlias(RESET_CREDENTIALS_ALIAS) != null) {
            return;
        }
        AuthenticationFlowModel flow = copy(realm, current, RESET_CREDENTIALS_ALIAS, true);
        int chooseUser = realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(step -> "reset-credentials-choose-user".equals(step.getAuthenticator()))
                .mapToInt(AuthenticationExecutionModel::getPriority)
                .findFirst()
                .orElse(0);
        addStep(realm, flow.getId(), LockoutRateLimitAuthenticatorFactory.PROVIDER_ID, chooseUser + 1);
        realm.setResetCredentialsFlow(flow);
        LOG.debugf("Realm %s: reset credentials bound to %s", realm.getName(), RESET_CREDENTIALS_ALIAS);
    }

    private static AuthenticationExecutionModel addStep(
            RealmModel realm, String flowId, String provider, int priority) {
        AuthenticationExecutionModel step = new AuthenticationExecutionModel();
        step.setParentFlow(flowId);
        step.setAuthenticator(provider);
        step.setRequirement(AuthenticationExecutionModel.Requirement.REQUIRED);
        step.setPriority(priority);
        step.setAuthenticatorFlow(false);
        return realm.addAuthenticatorExecution(step);
    }

    /** A deep copy of a flow: its steps, sub-flows and step configs, under new aliases. */
    private static AuthenticationFlowModel copy(
            RealmModel realm, AuthenticationFlowModel source, String alias, boolean topLevel) {
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(alias);
        flow.setDescription(source.getDescription() + " (with lockout rate limits, user-management)");
        flow.setProviderId(source.getProviderId());
        flow.setTopLevel(topLevel);
        flow.setBuiltIn(false);
        flow = realm.addAuthenticationFlow(flow);
        for (AuthenticationExecutionModel step :
                realm.getAuthenticationExecutionsStream(source.getId()).toList()) {
            AuthenticationExecutionModel clone = new AuthenticationExecutionModel();
            clone.setParentFlow(flow.getId());
            clone.setAuthenticator(step.getAuthenticator());
            clone.setRequirement(step.getRequirement());
            clone.setPriority(step.getPriority());
            clone.setAuthenticatorFlow(step.isAuthenticatorFlow());
            if (step.isAuthenticatorFlow()) {
                AuthenticationFlowModel sub = realm.getAuthenticationFlowById(step.getFlowId());
                clone.setFlowId(
                        copy(realm, sub, alias + " " + sub.getAlias(), false).getId());
            }
            AuthenticatorConfigModel config = step.getAuthenticatorConfig() == null
                    ? null
                    : realm.getAuthenticatorConfigById(step.getAuthenticatorConfig());
            if (config != null) {
                AuthenticatorConfigModel configCopy = new AuthenticatorConfigModel();
                configCopy.setAlias(alias + " " + config.getAlias());
                configCopy.setConfig(new HashMap<>(config.getConfig()));
                clone.setAuthenticatorConfig(
                        realm.addAuthenticatorConfig(configCopy).getId());
            }
            realm.addAuthenticatorExecution(clone);
        }
        return flow;
    }

    /** The settings of the realm's lockout step in its direct-grant flow; the defaults when it has none. */
    public static LockoutSettings settingsOf(RealmModel realm) {
        return lockoutStep(realm)
                .map(step -> configOf(realm, step))
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
        AuthenticatorConfigModel config = configOf(realm, step);
        if (config == null) {
            addConfig(realm, step, changes);
        } else {
            Map<String, String> merged = new HashMap<>(config.getConfig());
            merged.putAll(changes);
            config.setConfig(merged);
            realm.updateAuthenticatorConfig(config);
        }
        return true;
    }

    /**
     * Upgrade of a tenant made before its lockout step came with a config: gives the step its named config with the
     * defaults (what the step followed without one). Idempotent.
     *
     * @return true when it added the config
     */
    public static boolean apply(KeycloakSession session, RealmModel realm) {
        Optional<AuthenticationExecutionModel> step = lockoutStep(realm);
        if (step.isEmpty() || configOf(realm, step.get()) != null) {
            return false;
        }
        addConfig(realm, step.get(), defaultSettings());
        LOG.infof("Realm %s: lockout step config '%s' added with the default settings", realm.getName(), CONFIG_ALIAS);
        return true;
    }

    private static AuthenticatorConfigModel configOf(RealmModel realm, AuthenticationExecutionModel step) {
        return step.getAuthenticatorConfig() == null
                ? null
                : realm.getAuthenticatorConfigById(step.getAuthenticatorConfig());
    }

    private static void addConfig(RealmModel realm, AuthenticationExecutionModel step, Map<String, String> settings) {
        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setAlias(CONFIG_ALIAS);
        config.setConfig(new HashMap<>(settings));
        step.setAuthenticatorConfig(realm.addAuthenticatorConfig(config).getId());
        realm.updateAuthenticatorExecution(step);
    }

    /** Every option of the step's settings form at its default, as the form shows them. */
    private static Map<String, String> defaultSettings() {
        return LockoutRateLimitAuthenticatorFactory.CONFIG_PROPERTIES.stream()
                .collect(Collectors.toMap(
                        ProviderConfigProperty::getName, property -> String.valueOf(property.getDefaultValue())));
    }

    /**
     * Whether the lockout step guards the realm's direct grant: then it is the realm's brute-force detection, and
     * Keycloak's own (the realm's "Brute force detection" switch) only shows its locks in the admin console.
     */
    public static boolean usesLockoutStep(RealmModel realm) {
        return lockoutStep(realm).isPresent();
    }

    private static Optional<AuthenticationExecutionModel> lockoutStep(RealmModel realm) {
        AuthenticationFlowModel flow = realm.getDirectGrantFlow();
        return flow == null
                ? Optional.empty()
                : realm.getAuthenticationExecutionsStream(flow.getId())
                        .filter(step ->
                                LockoutRateLimitAuthenticatorFactory.PROVIDER_ID.equals(step.getAuthenticator()))
                        .findFirst();
    }
}
