package dev.multimodal.usermanagement.api.limits;

import dev.multimodal.usermanagement.api.error.ApiProblem;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many expensive calls (audit verification and export, user import) one tenant may have in flight at once, per
 * node: beyond the limit a call gets 429 with {@code Retry-After}, so one tenant's admin cannot take the server's
 * cores and database connections from everyone else. Option {@code --spi-realm-restapi-extension--api--heavy-calls-per-tenant}
 * (default {@value #DEFAULT_LIMIT}). With several nodes a tenant may have that many on each.
 *
 * <p>A permit is returned when the call ends (a streamed export: when its last byte is written or the client goes
 * away); one that is never returned (a response that was never written) lapses after {@link #LEASE}.
 */
public final class HeavyCalls {

    public static final int DEFAULT_LIMIT = 2;
    static final Duration LEASE = Duration.ofMinutes(15);
    static final String RETRY_AFTER_SECONDS = "5";

    private static volatile int limit = DEFAULT_LIMIT;
    private static final ConcurrentHashMap<String, Set<Permit>> IN_FLIGHT = new ConcurrentHashMap<>();

    private HeavyCalls() {
    }

    public static void configure(int perTenant) {
        if (perTenant < 1) {
            throw new IllegalArgumentException("heavy-calls-per-tenant must be at least 1, not " + perTenant);
        }
        limit = perTenant;
    }

    /** One heavy call in flight; closing it more than once is harmless. */
    public static final class Permit implements AutoCloseable {
        private final String tenant;
        private final long expiresAt;

        private Permit(String tenant, long expiresAt) {
            this.tenant = tenant;
            this.expiresAt = expiresAt;
        }

        @Override
        public void close() {
            IN_FLIGHT.computeIfPresent(tenant, (key, permits) -> {
                permits.remove(this);
                return permits.isEmpty() ? null : permits;
            });
        }
    }

    /**
     * A permit for the rest of the request: returned when its Keycloak transaction commits or rolls back.
     *
     * @throws ApiProblem 429 with {@code Retry-After} when the tenant has its limit of heavy calls in flight
     */
    public static void holdUntilTransactionEnds(KeycloakSession session, String tenant) {
        Permit permit = acquire(tenant);
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

    /**
     * @param tenant the tenant's realm id
     * @throws ApiProblem 429 with {@code Retry-After} when the tenant has its limit of heavy calls in flight
     */
    public static Permit acquire(String tenant) {
        long now = System.currentTimeMillis();
        Permit permit = new Permit(tenant, now + LEASE.toMillis());
        boolean[] granted = {false};
        IN_FLIGHT.compute(tenant, (key, permits) -> {
            Set<Permit> held = permits == null ? new HashSet<>() : permits;
            held.removeIf(old -> old.expiresAt < now);
            if (held.size() < limit) {
                held.add(permit);
                granted[0] = true;
            }
            return held.isEmpty() ? null : held;
        });
        if (!granted[0]) {
            throw ApiProblem.tooManyRequests("This tenant has " + limit + " expensive calls (audit verification or export,"
                    + " user import) in progress; try again when one has finished.", RETRY_AFTER_SECONDS);
        }
        return permit;
    }
}
