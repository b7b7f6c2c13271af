package dev.multimodal.usermanagement.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import reactor.core.publisher.Flux;

/**
 * Owns the lettuce client (standalone/Sentinel or Cluster) and its single connection. The connection is opened
 * lazily and, while Redis is unreachable, re-tried at most once per {@link #RETRY_INTERVAL}; once open, lettuce
 * reconnects by itself and rejects commands while disconnected, so callers fail fast instead of queueing.
 *
 * <p>Availability is one flag: the first failure of an outage logs one error line, the first success after it
 * (a command, a health ping, a connect or a reconnect) logs one recovery line.
 */
final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisConnector.class);
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    /** Cluster topology is re-read this often, and at once on MOVED/ASK redirects and reconnects. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    /**
     * lettuce logs every reconnect attempt (INFO and WARN, once a second through an outage, with stack traces on a
     * cluster); this class logs the outage once. So those two loggers show only errors, unless a level is configured
     * for them ({@code --log-level=...,<category>:info}). Held here: JUL forgets the level of an unreferenced logger.
     */
    private static final List<java.util.logging.Logger> RECONNECT_LOGGERS = Stream.of(
                    ".protocol.ConnectionWatchdog", ".cluster.topology.DefaultClusterTopologyRefresh")
            .map(name -> java.util.logging.Logger.getLogger(RedisClient.class.getPackageName() + name))
            .peek(logger -> {
                if (logger.getLevel() == null) {
                    logger.setLevel(Level.SEVERE);
                }
            })
            .toList();

    /**
     * lettuce publishes its connection events on a Reactor sink that nothing here subscribes to (connects and outages
     * come through a {@link RedisConnectionStateListener} and the commands' own results). Its default bus would load
     * and verify Reactor's {@code Flux} with its few hundred operator classes and schedule on lettuce's threads: this
     * one drops the events.
     */
    private static final EventBus NO_EVENTS = new EventBus() {
        @Override
        public Flux<Event> get() {
            return Flux.empty();
        }

        @Override
        public void publish(Event event) {
            // nobody listens
        }
    };

    private final RedisSettings settings;
    private ClientResources resources;
    private AbstractRedisClient client;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterAsyncCommands<String, String> commands;
    private volatile long nextConnectAttemptNanos;
    private volatile long nextProbeNanos;
    private boolean closed;

    RedisConnector(RedisSettings settings) {
        this.settings = settings;
    }

    /** Connects on a thread of its own, so that the caller does not wait for lettuce to load. */
    void connectInBackground() {
        Thread connect = new Thread(
                () -> {
                    try {
                        commands();
                    } catch (RedisUnavailableException e) {
                        // logged by reportFailure; the first command connects again
                    }
                },
                "um-redis-connect");
        connect.setDaemon(true);
        connect.start();
    }

    /** The client, made on the first connect; called under this object's lock. */
    private AbstractRedisClient client() {
        if (client != null) {
            return client;
        }
        // lettuce records its connection events as JFR events unless told not to (a key of our shaded copy, so nothing
        // else reads it): a few dozen event types registered with the JVM's recorder, for events nobody records
        String jfrEvents = RedisClient.class.getPackageName() + ".jfr";
        if (System.getProperty(jfrEvents) == null) {
            System.setProperty(jfrEvents, "false");
        }
        Duration timeout = settings.commandTimeout();
        resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .eventBus(NO_EVENTS)
                // reconnect quickly after an outage: 50 ms, doubling, at most 1 s apart
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                // Keycloak's classpath has HdrHistogram and LatencyUtils, so lettuce would keep latency histograms per
                // command and run pause-detector threads; the store's own meters (LockoutMetrics) time its calls
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                // the JDK's resolver, as Keycloak's own connections use, not Netty's DNS client beside it
                .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE)
                // one small command per login: buffers of their own, not chunks of Netty's pooled allocator (4 MiB
                // each) held for one connection
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterBootstrapInitialized(Bootstrap bootstrap) {
                        bootstrap.option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT);
                    }
                })
                .build();
        SocketOptions socket =
                SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        if (settings.cluster()) {
            RedisClusterClient cluster = AsyncOnlyClients.cluster(resources, settings.nodes());
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
            client = cluster;
        } else {
            RedisClient standalone =
                    AsyncOnlyClients.standalone(resources, settings.nodes().get(0));
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .socketOptions(socket)
                    .build());
            // a reconnect ends the outage even before the next command; not for Cluster, whose topology
            // refreshes open and close short-lived connections
            standalone.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                    markAvailable();
                }
            });
            client = standalone;
        }
        return client;
    }

    /** The URLs without their credentials, for log lines. */
    String description() {
        return settings.description();
    }

    Duration commandTimeout() {
        return settings.commandTimeout();
    }

    /** One command interface for both kinds of server: lettuce's standalone commands extend the cluster ones. */
    RedisClusterAsyncCommands<String, String> commands() {
        RedisClusterAsyncCommands<String, String> current = commands;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (commands != null) {
                return commands;
            }
            if (closed || System.nanoTime() < nextConnectAttemptNanos) {
                throw new RedisUnavailableException("Redis at " + description() + " is unreachable", null);
            }
            try {
                if (client() instanceof RedisClusterClient cluster) {
                    StatefulRedisClusterConnection<String, String> opened = cluster.connect();
                    connection = opened;
                    commands = opened.async();
                } else {
                    StatefulRedisConnection<String, String> opened = ((RedisClient) client).connect();
                    connection = opened;
                    commands = opened.async();
                }
                markAvailable();
                return commands;
            } catch (RuntimeException e) {
                nextConnectAttemptNanos = System.nanoTime() + RETRY_INTERVAL.toNanos();
                reportFailure(e);
                throw new RedisUnavailableException("Redis at " + description() + " is unreachable", e);
            }
        }
    }

    /** PING; on a cluster every master must answer, since each holds a share of the keys. */
    CompletableFuture<Boolean> ping() {
        RedisClusterAsyncCommands<String, String> current = commands();
        if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.async()
                    .masters()
                    .commands()
                    .ping()
                    .toCompletableFuture()
                    .thenApply(replies -> !replies.isEmpty() && replies.stream().allMatch("PONG"::equals));
        }
        return current.ping().toCompletableFuture().thenApply("PONG"::equals);
    }

    boolean isAvailable() {
        return available.get();
    }

    /**
     * A command was answered. On a standalone server that ends an outage; on a cluster it only says that one master
     * answers, so all are asked (at most once per {@link #RETRY_INTERVAL}) before the outage ends, else a dead
     * master would make the log flap between "unavailable" and "available again".
     */
    void reportSuccess() {
        if (available.get()) {
            return;
        }
        if (!settings.cluster()) {
            markAvailable();
            return;
        }
        long now = System.nanoTime();
        if (now < nextProbeNanos) {
            return;
        }
        nextProbeNanos = now + RETRY_INTERVAL.toNanos();
        try {
            ping().whenComplete((allAnswered, error) -> {
                if (Boolean.TRUE.equals(allAnswered)) {
                    markAvailable();
                }
            });
        } catch (RuntimeException e) {
            // still down: the outage goes on
        }
    }

    void reportFailure(Exception cause) {
        if (available.compareAndSet(true, false)) {
            LOG.errorf(
                    "Redis at %s is unavailable (%s); lockout and rate limits follow their failure mode until it returns",
                    description(), rootMessage(cause));
        }
    }

    void markAvailable() {
        if (!available.get() && available.compareAndSet(false, true)) {
            LOG.infof("Redis at %s is available again", description());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + RedisSettings.withoutCredentials(root.getMessage());
        return root.getClass().getSimpleName() + message;
    }

    @Override
    public synchronized void close() {
        closed = true;
        StatefulConnection<String, String> current = connection;
        if (current != null) {
            current.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
