package dev.multimodal.usermanagement.lockout;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * {@code lockout-rate-limit-registration}: the rate limits in a registration form (a form action placed first in
 * the "registration form" sub-flow). Without a config of its own it follows the tenant's lockout settings.
 */
public class LockoutRegistrationFormActionFactory implements FormActionFactory {

    public static final String PROVIDER_ID = "lockout-rate-limit-registration";
    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
        AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED
    };

    private final SettingsCache settingsCache = new SettingsCache();

    @Override
    public FormAction create(KeycloakSession session) {
        return new LockoutRegistrationFormAction(LockoutRateLimitAuthenticatorFactory.storeFor(session), settingsCache);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Registration Rate Limits";
    }

    @Override
    public String getReferenceCategory() {
        return null;
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
        return "Rate-limits registrations per client IP and per username (429 with Retry-After). Without a config of its "
                + "own it uses the tenant's lockout settings (the 'lockout-rate-limit' step of its direct-grant flow).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return LockoutRateLimitAuthenticatorFactory.CONFIG_PROPERTIES;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
