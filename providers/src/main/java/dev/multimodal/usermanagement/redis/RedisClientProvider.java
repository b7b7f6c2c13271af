package dev.multimodal.usermanagement.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import org.keycloak.provider.Provider;

import java.time.Duration;

/**
 * The server's shared Redis connection. When no URL is configured the bundle runs embedded
 * (in-memory stores, one node only) and {@link #isConfigured()} is false.
 */
public interface RedisClientProvider extends Provider {

    boolean isConfigured();

    /**
     * The shared, thread-safe connection; commands on it time out after the configured command timeout.
     *
     * @throws RedisUnavailableException when Redis is not configured or cannot be reached
     */
    StatefulRedisConnection<String, String> connection();

    /** Sends {@code PING} and waits at most {@code timeout}; never throws. */
    CacheStatus ping(Duration timeout);

    /** Tells the shared client that a command failed, so one log line marks the outage (not one per request). */
    void reportFailure(Exception cause);

    @Override
    default void close() {
        // the connection belongs to the factory, not to the session
    }
}
