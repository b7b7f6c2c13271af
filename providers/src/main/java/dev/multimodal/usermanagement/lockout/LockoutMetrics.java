package dev.multimodal.usermanagement.lockout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Lockout meters in Micrometer's global registry, served by Keycloak on its metrics endpoint, each tagged with the
 * realm's name: {@code um_lockout_locks_total}, {@code um_lockout_unlocks_total}, {@code um_lockout_rate_limited_total},
 * {@code um_lockout_store_errors_total} and the timer {@code um_lockout_decision_seconds} (one store decision).
 * Micrometer keeps one meter per name and tags, so registering again is a lookup.
 */
public final class LockoutMetrics {

    private static final String REALM = "realm";

    private LockoutMetrics() {}

    static void locked(String realm) {
        Counter.builder("um.lockout.locks")
                .description("Accounts locked after repeated failures")
                .tag(REALM, tag(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void unlocked(String realm) {
        Counter.builder("um.lockout.unlocks")
                .description("Locks ended early (admin, password reset, e-mail link)")
                .tag(REALM, tag(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void rateLimited(String realm) {
        Counter.builder("um.lockout.rate.limited")
                .description("Requests refused by a rate limit (429)")
                .tag(REALM, tag(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void storeError(String realm) {
        Counter.builder("um.lockout.store.errors")
                .description("Lockout store calls that failed (Redis error or timeout)")
                .tag(REALM, tag(realm))
                .register(Metrics.globalRegistry)
                .increment();
    }

    static void decision(String realm, Duration took) {
        Timer.builder("um.lockout.decision")
                .description("Latency of one lockout store decision")
                .tag(REALM, tag(realm))
                .register(Metrics.globalRegistry)
                .record(took);
    }

    private static String tag(String realm) {
        return realm == null ? "unknown" : realm;
    }
}
