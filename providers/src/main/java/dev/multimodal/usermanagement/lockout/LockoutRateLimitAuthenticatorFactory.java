package dev.multimodal.usermanagement.lockout;

import static dev.multimodal.usermanagement.lockout.LockoutSettings.DEFAULTS;

import dev.multimodal.usermanagement.redis.RedisClientProvider;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * {@code lockout-rate-limit}: use it in place of "Username Validation" + "Password" in a direct-grant flow and
 * in place of "Username Password Form" in a browser flow, and right after "Choose User" in a reset-credentials
 * flow (request limits only). Its settings are the execution's config (admin
 * console), so each tenant has its own. The store is Redis when the {@code redis} SPI has a URL, else the
 * embedded in-memory store (one node only).
 */
public class LockoutRateLimitAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "lockout-rate-limit";
    static final String METRICS_REALM_TAG = "metrics-realm-tag";

    private static final Logger LOG = Logger.getLogger(LockoutRateLimitAuthenticatorFactory.class);
    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
        AuthenticationExecutionModel.Requirement.REQUIRED,
        AuthenticationExecutionModel.Requirement.ALTERNATIVE,
        AuthenticationExecutionModel.Requirement.DISABLED
    };

    private final SettingsCache settingsCache = new SettingsCache();
    private volatile InMemoryLockoutStore embeddedStore;

    @Override
    public void init(Config.Scope config) {
        // the settings are per tenant, in the execution's config; only the metrics' shape is server-wide
        LockoutMetrics.tagRealms(config.getBoolean(METRICS_REALM_TAG, true));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(METRICS_REALM_TAG)
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue(true)
                .helpText("Tag the lockout meters with the realm's name (seven series per realm); false counts every "
                        + "realm together, for servers with thousands of tenants")
                .add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        embeddedStore = new InMemoryLockoutStore();
        LockoutFlows.bindToNewRealms(factory);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new LockoutRateLimitAuthenticator(session, store(session), settingsCache);
    }

    /** The store for the admin API (unlock, lock state). */
    public static LockoutStore storeFor(KeycloakSession session) {
        return ((LockoutRateLimitAuthenticatorFactory) session.getKeycloakSessionFactory()
                        .getProviderFactory(org.keycloak.authentication.Authenticator.class, PROVIDER_ID))
                .store(session);
    }

    /** The store for this session; also for the admin API (unlock, lock state). */
    public LockoutStore store(KeycloakSession session) {
        return new MeteredLockoutStore(backingStore(session), realmId -> realmName(session, realmId));
    }

    private LockoutStore backingStore(KeycloakSession session) {
        RedisClientProvider redis = session.getProvider(RedisClientProvider.class);
        if (redis != null && redis.isConfigured()) {
            return new RedisLockoutStore(redis, () -> {
                RealmModel realm = session.getContext().getRealm();
                LockoutMetrics.storeError(realm == null ? null : realm.getName());
            });
        }
        InMemoryLockoutStore store = embeddedStore;
        if (store == null) {
            // create() before postInit() does not happen in a running server; stay safe anyway
            LOG.debug("Lockout store requested before postInit");
            embeddedStore = store = new InMemoryLockoutStore();
        }
        return store;
    }

    /** The metrics' tag: the session's realm in nearly every call, else a (cached) lookup. */
    private static String realmName(KeycloakSession session, String realmId) {
        RealmModel current = session.getContext().getRealm();
        if (current != null && current.getId().equals(realmId)) {
            return current.getName();
        }
        RealmModel realm = session.realms().getRealm(realmId);
        return realm == null ? realmId : realm.getName();
    }

    @Override
    public void close() {
        embeddedStore = null;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Username Password with Lockout and Rate Limits";
    }

    @Override
    public String getReferenceCategory() {
        return PasswordCredentialModel.TYPE;
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Validates username and password, locks an account after repeated failures (unknown usernames alike) "
                + "and rate-limits logins per client IP and per username. Direct grant: replaces 'Username Validation' "
                + "and 'Password'. Browser: replaces 'Username Password Form'. Reset credentials: right after 'Choose User' "
                + "(request limits only; a locked user may still reset the password).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }

    /** The settings form, shared by the registration form action. */
    static final List<ProviderConfigProperty> CONFIG_PROPERTIES = ProviderConfigurationBuilder.create()
            .property()
            .name(LockoutSettings.MAX_FAILURES)
            .label("Max failures")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.maxFailures()))
            .helpText("Failed logins within the failure window that lock the account. Unknown usernames count alike.")
            .add()
            .property()
            .name(LockoutSettings.FAILURE_WINDOW_MINUTES)
            .label("Failure window (minutes)")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.failureWindow().toMinutes()))
            .helpText("Sliding window in which failures are counted; older failures are forgotten.")
            .add()
            .property()
            .name(LockoutSettings.LOCKOUT_MINUTES)
            .label("Lockout duration (minutes)")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.lockoutDuration().toMinutes()))
            .helpText("How long the first lock lasts. A locked account refuses even the right password.")
            .add()
            .property()
            .name(LockoutSettings.LOCKOUT_GROWTH_FACTOR)
            .label("Lockout growth factor")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue("2")
            .helpText("Each consecutive lock lasts this many times longer than the previous one (1 = constant). "
                    + "A successful login or an admin unlock ends the run.")
            .add()
            .property()
            .name(LockoutSettings.LOCKOUT_CAP_MINUTES)
            .label("Lockout cap (minutes)")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.lockoutCap().toMinutes()))
            .helpText("Longest lock, whatever the growth factor (default 24 hours).")
            .add()
            .property()
            .name(LockoutSettings.FAILURES_PER_IP_PER_MINUTE)
            .label("Failed attempts per client IP per minute")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.failuresPerIpPerMinute()))
            .helpText("Against credential stuffing: after this many failed logins from one IP in a minute, "
                    + "its logins are answered 429 until the minute ends.")
            .add()
            .property()
            .name(LockoutSettings.REQUESTS_PER_IP_PER_MINUTE)
            .label("Requests per client IP per minute")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.requestsPerIpPerMinute()))
            .helpText("Against floods; keep it generous, since an office shares one NAT address. "
                    + "The IP is Keycloak's view of the client (proxy headers per its --proxy-headers option).")
            .add()
            .property()
            .name(LockoutSettings.REQUESTS_PER_USERNAME_PER_MINUTE)
            .label("Requests per username per minute")
            .type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.requestsPerUsernamePerMinute()))
            .helpText("Login attempts for one username in a minute, from any IP; beyond it the answer is 429.")
            .add()
            .property()
            .name(LockoutSettings.FAILURE_MODE)
            .label("Failure mode")
            .type(ProviderConfigProperty.LIST_TYPE)
            .options("open", "closed")
            .defaultValue(DEFAULTS.failureMode().name())
            .helpText("When Redis does not answer within its command timeout: 'open' lets logins through without "
                    + "lockout and rate limits; 'closed' refuses them (503, retry later).")
            .add()
            .property()
            .name(LockoutSettings.LOCKOUT_EMAIL)
            .label("Lockout e-mail")
            .type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(String.valueOf(DEFAULTS.lockoutEmail()))
            .helpText(
                    "Send a locked user an e-mail (realm SMTP settings, e-mail theme user-management) with a one-time unlock link that expires with the lock.")
            .add()
            .build();
}
