package dev.multimodal.usermanagement.lockout;

import static dev.multimodal.usermanagement.lockout.Decision.Verdict.ALLOWED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.RATE_LIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryLockoutStoreTest extends LockoutStoreContract {

    private MutableClock clock;
    private InMemoryLockoutStore store;

    @BeforeEach
    void newStore() {
        clock = new MutableClock();
        store = new InMemoryLockoutStore(clock, 1000, SLOT_WAIT);
    }

    @Override
    LockoutStore store() {
        return store;
    }

    @Override
    void advance(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void perMinuteLimitsOpenAgainAfterTheMinute() {
        LockoutSettings settings =
                new LockoutSettings(100, WINDOW, LOCK, 2, CAP, 2, 300, 10, LockoutSettings.FailureMode.open, false);
        fail("name:a", settings);
        fail("name:b", settings);
        Decision refused = store.check(attempt("name:c"), settings);
        assertEquals(RATE_LIMITED, refused.verdict());
        clock.advance(refused.retryAfter());
        assertEquals(ALLOWED, store.check(attempt("name:c"), settings).verdict());
    }

    @Test
    void staysWithinItsBoundEvictingExpiredEntriesFirst() {
        LockoutSettings settings = SETTINGS;
        lock("id:victim");
        for (int i = 0; i < 5000; i++) {
            Attempt attempt = Attempt.of(REALM, "name:guess" + i, "10.0." + (i / 250) + "." + (i % 250));
            store.check(attempt, settings);
            store.recordSuccess(attempt, settings);
            if (i % 100 == 0) {
                clock.advance(Duration.ofSeconds(61)); // let earlier entries expire...
                store.check(attempt("id:victim"), settings); // ...but keep the lock recently used
                store.unlock(REALM, "id:nobody");
            }
            assertTrue(store.size() <= 1000, "size " + store.size());
        }
    }

    @Test
    void lockSurvivesAFloodOfNewNamesWhileItLasts() {
        InMemoryLockoutStore small = new InMemoryLockoutStore(clock, 100);
        LockoutSettings longLock = new LockoutSettings(
                5,
                Duration.ofMinutes(15),
                Duration.ofMinutes(15),
                2,
                Duration.ofHours(24),
                1_000_000,
                1_000_000,
                10,
                LockoutSettings.FailureMode.open,
                false);
        for (int i = 0; i < 5; i++) {
            Attempt a = attempt("id:victim");
            small.check(a, longLock);
            small.recordFailure(a, longLock);
        }
        // the flood comes later than a minute: its expired rate-limit entries are purged before the lock is evicted
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 90; i++) {
            Attempt a = attempt("name:flood" + i);
            small.check(a, longLock);
            small.recordSuccess(a, longLock);
        }
        assertTrue(small.lockState(REALM, "id:victim", longLock).locked());
        assertTrue(small.size() <= 100);
    }

    @Test
    void concurrentAttemptsLockAtExactlyTheThreshold() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Decision>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(pool.submit(() -> {
                start.await();
                Attempt attempt = attempt("id:alice", "198.51.100.7");
                Decision check = store.check(attempt, SETTINGS);
                return check.allowed() ? store.recordFailure(attempt, SETTINGS) : check;
            }));
        }
        start.countDown();
        int allowedThrough = 0;
        int locksMade = 0;
        for (Future<Decision> result : results) {
            Decision decision = result.get(10, TimeUnit.SECONDS);
            if (decision.consecutiveLocks() > 0) {
                locksMade++;
            }
            if (decision.verdict() == ALLOWED || decision.consecutiveLocks() > 0) {
                allowedThrough++;
            }
        }
        pool.shutdown();
        assertEquals(5, allowedThrough, "attempts whose password would have been checked");
        assertEquals(1, locksMade);
    }
}
