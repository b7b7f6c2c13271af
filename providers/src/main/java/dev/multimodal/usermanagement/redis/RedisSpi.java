package dev.multimodal.usermanagement.redis;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** The {@code redis} SPI: one shared Redis client per server, used by every provider of this bundle. */
public class RedisSpi implements Spi {

    public static final String NAME = "redis";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return RedisClientProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return RedisClientProviderFactory.class;
    }
}
