package dev.multimodal.usermanagement.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns the lettuce client and its single connection. The connection is opened lazily and, while Redis
 * is unreachable, re-tried at most once per {@link #RETRY_INTERVAL}; once open, lettuce reconnects by
 * itself and rejects commands while disconnected, so callers fail fast instead of queueing.
 */
final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnector.class);
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    static final String CLIENT_NAME = "user-management";

    private final RedisURI uri;
    private final String safeUrl;
    private final ClientResources resources;
    private final RedisClient client;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long nextConnectAttemptNanos;

    RedisConnector(String url, Duration commandTimeout) {
        this.uri = RedisURI.create(url);
        this.safeUrl = url.replaceFirst("//[^/@]*@", "//");
        uri.setTimeout(commandTimeout);
        uri.setClientName(CLIENT_NAME);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // reconnect quickly after an outage: 50 ms, doubling, at most 1 s apart
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
                .build());
    }

    /** The URL without its credentials, for log lines. */
    String safeUrl() {
        return safeUrl;
    }

    StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (connection != null) {
                return connection;
            }
            if (System.nanoTime() < nextConnectAttemptNanos) {
                throw new RedisUnavailableException("Redis at " + safeUrl() + " is unreachable", null);
            }
            try {
                connection = client.connect();
                markAvailable();
                return connection;
            } catch (RuntimeException e) {
                nextConnectAttemptNanos = System.nanoTime() + RETRY_INTERVAL.toNanos();
                reportFailure(e);
                throw new RedisUnavailableException("Redis at " + safeUrl() + " is unreachable", e);
            }
        }
    }

    void reportFailure(Exception cause) {
        if (available.compareAndSet(true, false)) {
            LOG.errorf("Redis at %s is unavailable (%s); lockout and rate limits follow their failure mode until it returns",
                    safeUrl(), rootMessage(cause));
        }
    }

    void markAvailable() {
        if (available.compareAndSet(false, true)) {
            LOG.infof("Redis at %s is available again", safeUrl());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) {
            current.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
