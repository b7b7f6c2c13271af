package dev.multimodal.usermanagement.lockout;

import dev.multimodal.usermanagement.redis.CacheStatus;
import dev.multimodal.usermanagement.redis.RedisClientProvider;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The store's view of Redis over a plain lettuce connection of the test's own, outside Keycloak: reported failures
 * land in a list, and availability flips as in the server's shared client.
 */
final class DirectRedisClient implements RedisClientProvider {

    private final Supplier<StatefulRedisConnection<String, String>> connection;
    private final List<Exception> reported;
    private volatile boolean available = true;

    DirectRedisClient(Supplier<StatefulRedisConnection<String, String>> connection, List<Exception> reported) {
        this.connection = connection;
        this.reported = reported;
    }

    @Override
    public boolean isConfigured() {
        return true;
    }

    @Override
    public RedisClusterAsyncCommands<String, String> commands() {
        return connection.get().async();
    }

    @Override
    public Duration commandTimeout() {
        return connection.get().getTimeout();
    }

    @Override
    public CacheStatus ping(Duration timeout) {
        throw new UnsupportedOperationException("not used by the store");
    }

    @Override
    public synchronized void reportFailure(Exception cause) {
        reported.add(cause);
        available = false;
    }

    boolean isAvailable() {
        return available;
    }

    @Override
    public void reportSuccess() {
        available = true;
    }
}
