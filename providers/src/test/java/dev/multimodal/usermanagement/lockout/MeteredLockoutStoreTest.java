package dev.multimodal.usermanagement.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeteredLockoutStoreTest {

    private static final LockoutSettings SETTINGS = new LockoutSettings(
            2,
            Duration.ofMinutes(15),
            Duration.ofMinutes(15),
            2.0,
            Duration.ofHours(24),
            20,
            300,
            3,
            LockoutSettings.FailureMode.open,
            false);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LockoutStore store = new MeteredLockoutStore(
            new InMemoryLockoutStore(new MutableClock(), 1000), realmId -> "name-of-" + realmId);

    @BeforeEach
    void register() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void unregister() {
        Metrics.removeRegistry(registry);
    }

    @Test
    void countsLocksUnlocksAndRateLimitsPerRealmAndTimesDecisions() {
        String account = AccountKeys.forUser("u1");
        for (int i = 0; i < 2; i++) {
            Attempt attempt = Attempt.of("r1", account, "10.0.0.1");
            store.check(attempt, SETTINGS);
            store.recordFailure(attempt, SETTINGS);
        }
        assertEquals(1.0, count("um.lockout.locks", "name-of-r1"));
        store.check(Attempt.of("r1", account, "10.0.0.1"), SETTINGS); // refused as locked: not a rate limit
        assertEquals(0.0, count("um.lockout.rate.limited", "name-of-r1"));
        String other = AccountKeys.forUnknownName("someone");
        for (int i = 0; i < 4; i++) { // the 4th request for this name is over the limit of 3
            Attempt attempt = Attempt.of("r1", other, "10.0.0.2");
            store.check(attempt, SETTINGS);
            store.release(attempt);
        }
        assertEquals(1.0, count("um.lockout.rate.limited", "name-of-r1"));

        store.unlock("r1", account);
        store.unlock("r1", account); // nothing left to unlock: not counted
        assertEquals(1.0, count("um.lockout.unlocks", "name-of-r1"));
        assertEquals(
                9,
                registry.find("um.lockout.decision")
                        .tag("realm", "name-of-r1")
                        .timer()
                        .count(),
                "7 checks and 2 failures");
        assertEquals(0.0, count("um.lockout.locks", "name-of-r2"), "another realm's meters stay apart");
    }

    @Test
    void withoutTheRealmTagEveryRealmCountsTogether() {
        LockoutMetrics.tagRealms(false);
        try {
            for (String realm : new String[] {"r1", "r2"}) {
                for (int i = 0; i < 2; i++) { // the 2nd failure locks
                    Attempt attempt = Attempt.of(realm, AccountKeys.forUser("u1"), "10.0.0.1");
                    store.check(attempt, SETTINGS);
                    store.recordFailure(attempt, SETTINGS);
                }
            }
            var locks = registry.find("um.lockout.locks").counters();
            assertEquals(1, locks.size(), "one series");
            assertEquals(List.of(), locks.iterator().next().getId().getTags(), "no realm tag");
            assertEquals(2.0, locks.iterator().next().count());
        } finally {
            LockoutMetrics.tagRealms(true);
        }
    }

    private double count(String name, String realm) {
        var counter = registry.find(name).tag("realm", realm).counter();
        return counter == null ? 0.0 : counter.count();
    }
}
