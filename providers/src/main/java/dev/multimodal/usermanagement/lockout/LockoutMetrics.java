package dev.multimodal.usermanagement.lockout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Lockout meters in Micrometer's global registry, served by Keycloak on its metrics endpoint, each tagged with the
 * realm's name: {@code um_lockout_locks_total}, {@code um_lockout_unlocks_total}, {@code um_lockout_rate_limited_total},
 * {@code um_lockout_store_errors_total} and the timer {@code um_lockout_decision_seconds} (one store decision).
 * Micrometer keeps one meter per name and tags, so registering again is a lookup. Seven series per realm are many
 * at thousands of tenants: {@code --spi-authenticator--lockout-rate-limit--metrics-realm-tag=false} leaves the tag
 * out, so each meter counts every realm at once (as Keycloak's {@code --event-metrics-user-tags} does for its own).
 */
public final class LockoutMetrics {

    private static final String REALM = "realm";

    private static volatile boolean realmTag = true;

    private LockoutMetrics() {}

    /** Server-wide, set once at start before any meter exists (a meter's tag keys never change). */
    static void tagRealms(boolean on) {
        realmTag = on;
    }

    static void locked(String realm) {
        Counter.builder("um.lockout.locks")
                .description("Accounts locked after repeated failures")
                .tags(tags(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void unlocked(String realm) {
        Counter.builder("um.lockout.unlocks")
                .description("Locks ended early (admin, password reset, e-mail link)")
                .tags(tags(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void rateLimited(String realm) {
        Counter.builder("um.lockout.rate.limited")
                .description("Requests refused by a rate limit (429)")
                .tags(tags(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void storeError(String realm) {
        Counter.builder("um.lockout.store.errors")
                .description("Lockout store calls that failed (Redis error or timeout)")
                .tags(tags(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void decision(String realm, Duration took) {
        Timer.builder("um.lockout.decision")
                .description("Latency of one lockout store decision")
                .tags(tags(realm))
                .register(Metrics.globalRegistry)
                .record(took);
    }

    private static Tags tags(String realm) {
        return realmTag ? Tags.of(REALM, realm == null ? "unknown" : realm) : Tags.empty();
    }
}
