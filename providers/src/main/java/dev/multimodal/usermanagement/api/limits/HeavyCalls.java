package dev.multimodal.usermanagement.api.limits;

import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.redis.RedisClientProvider;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * How many expensive calls (audit verification and export, user import) one tenant may have in flight at once:
 * beyond the limit a call gets 429 with {@code Retry-After}, so one tenant's admin cannot take the server's cores and
 * database connections from everyone else. Option {@code --spi-realm-restapi-extension--api--heavy-calls-per-tenant}
 * (default {@value #DEFAULT_LIMIT}).
 *
 * <p>With Redis the count is cluster-wide: a sorted set per tenant of permit tokens scored by their expiry, taken and
 * counted in one script. Without Redis (embedded run), or while it cannot be reached, each node counts for itself.
 * A permit is returned when the call ends (a streamed export: when its last byte is written or the client goes away);
 * one that is never returned (a response that was never written, a node that died) lapses after {@link #LEASE}.
 */
public final class HeavyCalls {

    private static final Logger LOG = Logger.getLogger(HeavyCalls.class);

    public static final int DEFAULT_LIMIT = 2;
    static final Duration LEASE = Duration.ofMinutes(15);
    static final String RETRY_AFTER_SECONDS = "5";

    /** KEYS[1] the tenant's permits (token → expiry in ms); ARGV now, lease, limit, token. 1: granted, 0: full. */
    private static final String TAKE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
            redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    private static volatile int limit = DEFAULT_LIMIT;
    private static final ConcurrentHashMap<String, Set<LocalLease>> LOCAL = new ConcurrentHashMap<>();

    private HeavyCalls() {}

    public static void configure(int perTenant) {
        if (perTenant < 1) {
            throw new IllegalArgumentException("heavy-calls-per-tenant must be at least 1, not " + perTenant);
        }
        limit = perTenant;
    }

    /** One heavy call in flight; closing it more than once is harmless. */
    public static final class Permit implements AutoCloseable {
        private final Runnable release;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Permit(Runnable release) {
            this.release = release;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        }
    }

    /**
     * @param tenant the tenant's realm id
     * @throws ApiProblem 429 with {@code Retry-After} when the tenant has its limit of heavy calls in flight
     */
    public static Permit acquire(KeycloakSession session, String tenant) {
        RedisClientProvider redis = session.getProvider(RedisClientProvider.class);
        Permit permit = redis != null && redis.isConfigured() ? shared(redis, tenant) : null;
        if (permit == null) {
            permit = local(tenant);
        }
        if (permit == DENIED) {
            throw ApiProblem.tooManyRequests(
                    "This tenant has " + limit + " expensive calls (audit verification or export,"
                            + " user import) in progress; try again when one has finished.",
                    RETRY_AFTER_SECONDS);
        }
        return permit;
    }

    /**
     * A permit for the rest of the request: returned when its Keycloak transaction commits or rolls back.
     *
     * @throws ApiProblem 429 with {@code Retry-After} when the tenant has its limit of heavy calls in flight
     */
    public static void holdUntilTransactionEnds(KeycloakSession session, String tenant) {
        Permit permit = acquire(session, tenant);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                permit.close();
            }

            @Override
            protected void rollbackImpl() {
                permit.close();
            }
        });
    }

    private static final Permit DENIED = new Permit(() -> {});

    /** The cluster-wide permit, {@link #DENIED}, or null when Redis cannot answer (then the node counts alone). */
    private static Permit shared(RedisClientProvider redis, String tenant) {
        String key = "um:heavy:{" + tenant + "}";
        String token = UUID.randomUUID().toString();
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            long timeoutMillis = redis.commandTimeout().toMillis() * 2;
            Long granted = commands.<Long>eval(
                            TAKE,
                            ScriptOutputType.INTEGER,
                            new String[] {key},
                            Long.toString(System.currentTimeMillis()),
                            Long.toString(LEASE.toMillis()),
                            Integer.toString(limit),
                            token)
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            redis.reportSuccess();
            if (granted == null || granted == 0) {
                return DENIED;
            }
            return new Permit(() -> {
                try {
                    commands.zrem(key, token).get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    LOG.debugf(
                            "Heavy-call permit of %s not returned (it lapses after %s): %s",
                            tenant, LEASE, e.getMessage());
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            redis.reportFailure(e instanceof ExecutionException && e.getCause() instanceof Exception cause ? cause : e);
            return null;
        }
    }

    /** Compared by identity: two leases of the same millisecond are two permits. */
    private static final class LocalLease {
        private final long expiresAt;

        LocalLease(long expiresAt) {
            this.expiresAt = expiresAt;
        }

        long expiresAt() {
            return expiresAt;
        }
    }

    private static Permit local(String tenant) {
        long now = System.currentTimeMillis();
        LocalLease lease = new LocalLease(now + LEASE.toMillis());
        boolean[] granted = {false};
        LOCAL.compute(tenant, (key, leases) -> {
            Set<LocalLease> held = leases == null ? new HashSet<>() : leases;
            held.removeIf(old -> old.expiresAt() < now);
            if (held.size() < limit) {
                held.add(lease);
                granted[0] = true;
            }
            return held.isEmpty() ? null : held;
        });
        if (!granted[0]) {
            return DENIED;
        }
        return new Permit(() -> LOCAL.computeIfPresent(tenant, (key, leases) -> {
            leases.remove(lease);
            return leases.isEmpty() ? null : leases;
        }));
    }
}
