package dev.multimodal.usermanagement.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --spi-redis--default--url=redis://host:6379/0} (or {@code rediss://}, {@code redis-sentinel://}) and
 * {@code --spi-redis--default--command-timeout=500} (milliseconds). Without a URL the bundle runs embedded.
 */
public class DefaultRedisClientProviderFactory implements RedisClientProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final long DEFAULT_COMMAND_TIMEOUT_MS = 500;

    private static final Logger LOG = Logger.getLogger(DefaultRedisClientProviderFactory.class);

    private String url;
    private Duration commandTimeout;
    private RedisConnector connector;

    @Override
    public void init(Config.Scope config) {
        String configured = config.get("url");
        url = configured == null || configured.isBlank() ? null : configured.trim();
        commandTimeout = Duration.ofMillis(config.getLong("command-timeout", DEFAULT_COMMAND_TIMEOUT_MS));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (url == null) {
            LOG.info("No Redis URL configured (--spi-redis--default--url): using the embedded in-memory store, fit for one node only");
            return;
        }
        connector = new RedisConnector(url, commandTimeout);
        LOG.infof("Redis client for %s, command timeout %d ms", connector.safeUrl(), commandTimeout.toMillis());
        try {
            connector.connection();
        } catch (RedisUnavailableException e) {
            // logged by the connector; we connect again on first use
        }
    }

    @Override
    public RedisClientProvider create(KeycloakSession session) {
        return new SharedRedisClientProvider();
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
            connector = null;
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("url").type("string")
                .helpText("Redis URL: redis://[:password@]host:port/db, rediss:// for TLS, redis-sentinel://. Empty: embedded in-memory store (one node only).")
                .add()
                .property().name("command-timeout").type("long").defaultValue(DEFAULT_COMMAND_TIMEOUT_MS)
                .helpText("Milliseconds a Redis command may take before it fails and the caller's failure mode applies.")
                .add()
                .build();
    }

    /** Stateless view on the factory's connector, handed to each session. */
    private final class SharedRedisClientProvider implements RedisClientProvider {

        @Override
        public boolean isConfigured() {
            return connector != null;
        }

        @Override
        public StatefulRedisConnection<String, String> connection() {
            if (connector == null) {
                throw new RedisUnavailableException("Redis is not configured (--spi-redis--default--url)", null);
            }
            return connector.connection();
        }

        @Override
        public CacheStatus ping(Duration timeout) {
            if (connector == null) {
                return CacheStatus.embedded;
            }
            try {
                String reply = connector.connection().async().ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                connector.markAvailable();
                return "PONG".equals(reply) ? CacheStatus.connected : CacheStatus.disconnected;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CacheStatus.disconnected;
            } catch (Exception e) {
                connector.reportFailure(e);
                return CacheStatus.disconnected;
            }
        }

        @Override
        public void reportFailure(Exception cause) {
            if (connector != null) {
                connector.reportFailure(cause);
            }
        }
    }
}
