package dev.multimodal.usermanagement.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import org.keycloak.provider.Provider;

/**
 * The server's shared Redis client: standalone, Sentinel or Cluster, behind one command interface. When no URL is
 * configured the bundle runs embedded (in-memory stores, one node only) and {@link #isConfigured()} is false.
 */
public interface RedisClientProvider extends Provider {

    boolean isConfigured();

    /**
     * Commands on the shared, thread-safe connection; each times out after {@link #commandTimeout()}. On a cluster
     * they are routed by key slot, so all keys of one command must share a hash tag.
     *
     * @throws RedisUnavailableException when Redis is not configured or cannot be reached
     */
    RedisClusterAsyncCommands<String, String> commands();

    Duration commandTimeout();

    /** Sends {@code PING} (to every master of a cluster) and waits at most {@code timeout}; never throws. */
    CacheStatus ping(Duration timeout);

    /** Tells the shared client that a command failed, so one log line marks the outage (not one per request). */
    void reportFailure(Exception cause);

    /** Tells the shared client that a command succeeded: the first success after an outage ends it (one log line). */
    void reportSuccess();

    @Override
    default void close() {
        // the connection belongs to the factory, not to the session
    }
}
