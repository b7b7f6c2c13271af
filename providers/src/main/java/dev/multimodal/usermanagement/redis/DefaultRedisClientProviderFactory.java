package dev.multimodal.usermanagement.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Options ({@code --spi-redis--default--<key>}, or {@code KC_SPI_REDIS__DEFAULT__<KEY>}): {@code url}
 * ({@code redis://host:6379/0}, {@code rediss://} for TLS, {@code redis-sentinel://h1:26379,h2:26379/0#master};
 * with {@code cluster=true} comma-separated seed URLs), {@code password}, {@code command-timeout} (ms).
 * Without a URL the bundle runs embedded.
 */
public class DefaultRedisClientProviderFactory implements RedisClientProviderFactory {

    public static final String PROVIDER_ID = "default";
    static final long DEFAULT_COMMAND_TIMEOUT_MS = 500;

    private static final Logger LOG = Logger.getLogger(DefaultRedisClientProviderFactory.class);

    private RedisSettings settings;
    private RedisConnector connector;

    @Override
    public void init(Config.Scope config) {
        String url = config.get("url");
        if (url == null || url.isBlank()) {
            return;
        }
        settings = RedisSettings.parse(
                url,
                config.getBoolean("cluster", false),
                config.get("password"),
                Duration.ofMillis(config.getLong("command-timeout", DEFAULT_COMMAND_TIMEOUT_MS)));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (settings == null) {
            LOG.info(
                    "No Redis URL configured (--spi-redis--default--url): using the embedded in-memory store, fit for one node only");
            return;
        }
        connector = new RedisConnector(settings);
        LOG.infof(
                "Redis client for %s, command timeout %d ms",
                settings.description(), settings.commandTimeout().toMillis());
        // Connected on a thread of its own once Keycloak's start is at its last step: loading lettuce beside the start
        // made it half a second slower on two cores. A request that needs Redis before then connects, or waits for
        // the connect under way (the connector's lock).
        RedisConnector starting = connector;
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                starting.connectInBackground();
            }
        });
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
                .property()
                .name("url")
                .type(ProviderConfigProperty.STRING_TYPE)
                .helpText(
                        "Redis URL: redis://[:password@]host:port/db, rediss:// for TLS, redis-sentinel://host1:26379,host2:26379/db#master;"
                                + " with cluster=true comma-separated seed URLs. Empty: embedded in-memory store (one node only).")
                .add()
                .property()
                .name("cluster")
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue(false)
                .helpText(
                        "Redis Cluster: the URL lists seed nodes; topology is refreshed periodically and on MOVED/ASK.")
                .add()
                .property()
                .name("password")
                .type(ProviderConfigProperty.PASSWORD)
                .secret(true)
                .helpText("Password of Redis's default user, for every node (instead of putting it into the URL).")
                .add()
                .property()
                .name("command-timeout")
                .type("long")
                .defaultValue(DEFAULT_COMMAND_TIMEOUT_MS)
                .helpText(
                        "Milliseconds a Redis command may take before it fails and the caller's failure mode applies.")
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
        public RedisClusterAsyncCommands<String, String> commands() {
            if (connector == null) {
                throw new RedisUnavailableException("Redis is not configured (--spi-redis--default--url)", null);
            }
            return connector.commands();
        }

        @Override
        public Duration commandTimeout() {
            return settings == null ? Duration.ofMillis(DEFAULT_COMMAND_TIMEOUT_MS) : settings.commandTimeout();
        }

        @Override
        public CacheStatus ping(Duration timeout) {
            if (connector == null) {
                return CacheStatus.embedded;
            }
            try {
                if (connector.ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    connector.markAvailable();
                    return CacheStatus.connected;
                }
                return CacheStatus.disconnected;
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

        @Override
        public void reportSuccess() {
            if (connector != null) {
                connector.reportSuccess();
            }
        }
    }
}
