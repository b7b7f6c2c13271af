package dev.multimodal.usermanagement.redis;

import org.keycloak.provider.ProviderFactory;

public interface RedisClientProviderFactory extends ProviderFactory<RedisClientProvider> {}
