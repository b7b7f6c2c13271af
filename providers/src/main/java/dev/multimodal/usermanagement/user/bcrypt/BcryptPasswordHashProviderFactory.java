package dev.multimodal.usermanagement.user.bcrypt;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.credential.hash.PasswordHashProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The {@code bcrypt} password hash algorithm, for users imported from the old service. Option {@code max-cost}
 * ({@code --spi-password-hashing--bcrypt--max-cost}): the highest bcrypt cost imported, verified or produced.
 */
public class BcryptPasswordHashProviderFactory implements PasswordHashProviderFactory {

    public static final String MAX_COST_OPTION = "max-cost";

    private volatile BcryptPasswordHashProvider provider = new BcryptPasswordHashProvider();

    @Override
    public PasswordHashProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public void init(Config.Scope config) {
        int maxCost = config.getInt(MAX_COST_OPTION, BcryptPasswordHashProvider.DEFAULT_MAX_COST);
        if (maxCost < BcryptPasswordHashProvider.MIN_COST || maxCost > BcryptPasswordHashProvider.MAX_COST) {
            throw new IllegalArgumentException(
                    "--spi-password-hashing--bcrypt--max-cost must be from " + BcryptPasswordHashProvider.MIN_COST
                            + " to " + BcryptPasswordHashProvider.MAX_COST + ", not " + maxCost);
        }
        provider = new BcryptPasswordHashProvider(maxCost);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(MAX_COST_OPTION)
                .type("int")
                .defaultValue(BcryptPasswordHashProvider.DEFAULT_MAX_COST)
                .helpText(
                        "Highest bcrypt cost accepted on import and verified at login; each step doubles a check's CPU time.")
                .add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return BcryptPasswordHashProvider.ID;
    }
}
