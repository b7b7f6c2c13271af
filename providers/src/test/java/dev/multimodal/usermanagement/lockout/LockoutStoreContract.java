package dev.multimodal.usermanagement.lockout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.multimodal.usermanagement.lockout.Decision.Verdict.ALLOWED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.LOCKED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.RATE_LIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantics every {@link LockoutStore} shares. Durations are short so that a real Redis can be tested with
 * real time; the in-memory store moves its clock instead.
 */
abstract class LockoutStoreContract {

    static final Duration WINDOW = Duration.ofMillis(1500);
    static final Duration LOCK = Duration.ofMillis(300);
    static final Duration CAP = Duration.ofMillis(900);

    /**
     * 5 failures in 1.5 s lock for 300 ms, doubling up to 900 ms; per-IP limits as the defaults, the per-username
     * limit out of the way (tests of it set their own).
     */
    static final LockoutSettings SETTINGS = new LockoutSettings(5, WINDOW, LOCK, 2.0, CAP, 20, 300, 1000,
            LockoutSettings.FailureMode.open, false);

    static final String REALM = "realm-1";

    abstract LockoutStore store();

    /** Lets time pass for the store. */
    abstract void advance(Duration duration);

    static Attempt attempt(String account) {
        return Attempt.of(REALM, account, "192.0.2.1");
    }

    static Attempt attempt(String account, String ip) {
        return Attempt.of(REALM, account, ip);
    }

    /** One complete failed login; returns what recordFailure said. */
    Decision fail(String account, LockoutSettings settings) {
        Attempt attempt = attempt(account);
        Decision check = store().check(attempt, settings);
        assertEquals(ALLOWED, check.verdict(), "check before failure: " + check);
        return store().recordFailure(attempt, settings);
    }

    Decision fail(String account) {
        return fail(account, SETTINGS);
    }

    @Test
    void locksAtTheThresholdAndRefusesTheNextAttempt() {
        for (int i = 1; i < 5; i++) {
            assertEquals(ALLOWED, fail("id:alice").verdict(), "failure " + i);
        }
        Decision fifth = fail("id:alice");
        assertEquals(LOCKED, fifth.verdict());
        assertEquals(LOCK, fifth.retryAfter());
        assertEquals(1, fifth.consecutiveLocks());

        Decision next = store().check(attempt("id:alice"), SETTINGS);
        assertEquals(LOCKED, next.verdict(), "locked even before the password is looked at");
        assertTrue(next.retryAfter().compareTo(LOCK) <= 0 && !next.retryAfter().isZero(), next.toString());
        assertEquals(ALLOWED, store().check(attempt("id:bob"), SETTINGS).verdict(), "other accounts are not affected");
    }

    @Test
    void lockExpiresByItself() {
        lock("id:alice");
        advance(LOCK.plusMillis(100));
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
    }

    @Test
    void consecutiveLocksGrowByTheFactorUpToTheCap() {
        assertEquals(LOCK, lock("id:alice").retryAfter());
        advance(LOCK.plusMillis(50));
        Decision second = lock("id:alice");
        assertEquals(LOCK.multipliedBy(2), second.retryAfter());
        assertEquals(2, second.consecutiveLocks());
        advance(LOCK.multipliedBy(2).plusMillis(50));
        Decision third = lock("id:alice");
        assertEquals(CAP, third.retryAfter(), "1200 ms would exceed the 900 ms cap");
        assertEquals(3, third.consecutiveLocks());
    }

    @Test
    void successResetsTheCountAndTheRunOfLocks() {
        lock("id:alice");
        advance(LOCK.plusMillis(50));
        for (int i = 0; i < 4; i++) {
            fail("id:alice");
        }
        Attempt good = attempt("id:alice");
        assertEquals(ALLOWED, store().check(good, SETTINGS).verdict());
        store().recordSuccess(good, SETTINGS);

        for (int i = 0; i < 4; i++) {
            assertEquals(ALLOWED, fail("id:alice").verdict(), "the count started over");
        }
        Decision lock = fail("id:alice");
        assertEquals(LOCKED, lock.verdict());
        assertEquals(1, lock.consecutiveLocks(), "the run of locks started over");
        assertEquals(LOCK, lock.retryAfter());
    }

    @Test
    void failuresLeaveTheWindow() {
        for (int i = 0; i < 4; i++) {
            fail("id:alice");
        }
        advance(WINDOW.plusMillis(100));
        assertEquals(ALLOWED, fail("id:alice").verdict());
        assertEquals(1, store().lockState(REALM, "id:alice", SETTINGS).recentFailures());
    }

    @Test
    void parallelAttemptsCannotOvershootTheThreshold() {
        List<Attempt> inFlight = new ArrayList<>();
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            Attempt attempt = attempt("id:alice", "198.51.100." + i);
            Decision decision = store().check(attempt, SETTINGS);
            if (decision.allowed()) {
                allowed++;
                inFlight.add(attempt);
            } else {
                assertEquals(LOCKED, decision.verdict(), "refused like a locked account");
            }
        }
        assertEquals(5, allowed, "each check reserves a failure slot");
        Decision last = null;
        for (Attempt attempt : inFlight) {
            last = store().recordFailure(attempt, SETTINGS);
        }
        assertEquals(LOCKED, last.verdict(), "the fifth failure locks");
        assertTrue(store().lockState(REALM, "id:alice", SETTINGS).locked());
    }

    @Test
    void releasedReservationsFreeTheirSlot() {
        List<Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Attempt attempt = attempt("id:alice");
            assertEquals(ALLOWED, store().check(attempt, SETTINGS).verdict());
            inFlight.add(attempt);
        }
        assertEquals(LOCKED, store().check(attempt("id:alice"), SETTINGS).verdict());
        store().release(inFlight.get(0));
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
    }

    @Test
    void failedAttemptsPerIpAreRateLimitedAcrossAccounts() {
        LockoutSettings settings = new LockoutSettings(100, WINDOW, LOCK, 2, CAP, 3, 300, 10, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            fail("name:user" + i, settings);
        }
        Decision refused = store().check(attempt("name:someone-else"), settings);
        assertEquals(RATE_LIMITED, refused.verdict());
        assertTrue(refused.retryAfter().compareTo(Duration.ofMinutes(1)) <= 0 && !refused.retryAfter().isZero());
        assertEquals(ALLOWED, store().check(attempt("name:someone-else", "203.0.113.9"), settings).verdict(),
                "another IP is not affected");
    }

    @Test
    void rateLimitedAttemptsTakeNoFailureSlot() {
        LockoutSettings settings = new LockoutSettings(2, WINDOW, LOCK, 2, CAP, 20, 1, 1000, LockoutSettings.FailureMode.open, false);
        assertEquals(ALLOWED, store().check(attempt("id:alice", "192.0.2.1"), settings).verdict(), "in flight: 1 of 2 slots");
        assertEquals(RATE_LIMITED, store().check(attempt("id:alice", "192.0.2.1"), settings).verdict(), "second request from the IP");
        assertEquals(ALLOWED, store().check(attempt("id:alice", "192.0.2.2"), settings).verdict(),
                "the refused attempt gave its slot back");
    }

    @Test
    void requestsPerIpAreRateLimited() {
        LockoutSettings settings = new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 3, 10, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            Attempt ok = attempt("id:user" + i);
            assertEquals(ALLOWED, store().check(ok, settings).verdict());
            store().recordSuccess(ok, settings);
        }
        assertEquals(RATE_LIMITED, store().check(attempt("id:user9"), settings).verdict());
    }

    @Test
    void requestsPerUsernameAreRateLimitedFromAnyIp() {
        LockoutSettings settings = new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 300, 3, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            Attempt ok = attempt("id:alice", "198.51.100." + i);
            assertEquals(ALLOWED, store().check(ok, settings).verdict());
            store().recordSuccess(ok, settings);
        }
        Decision refused = store().check(attempt("id:alice", "203.0.113.50"), settings);
        assertEquals(RATE_LIMITED, refused.verdict());
        assertEquals(ALLOWED, store().check(attempt("id:bob", "203.0.113.50"), settings).verdict());
    }

    @Test
    void unlockClearsTheLockAndTheCount() {
        lock("id:alice");
        assertTrue(store().unlock(REALM, "id:alice"));
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
        assertFalse(store().lockState(REALM, "id:alice", SETTINGS).locked());
        assertFalse(store().unlock(REALM, "id:nobody"), "nothing to unlock");
    }

    @Test
    void unlockOfOneLockEndsThatLockOnly() {
        String firstLock = lockWithId("id:alice");
        assertTrue(store().unlock(REALM, "id:alice"));
        String secondLock = lockWithId("id:alice");
        assertFalse(store().unlock(REALM, "id:alice", firstLock), "an earlier lock's id");
        assertTrue(store().lockState(REALM, "id:alice", SETTINGS).locked(), "the later lock stays");
        assertTrue(store().unlock(REALM, "id:alice", secondLock));
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
        assertFalse(store().unlock(REALM, "id:alice", secondLock), "once");
        assertFalse(store().unlock(REALM, "id:nobody", secondLock), "nothing to unlock");
    }

    @Test
    void lockStateShowsLockFailuresAndRun() {
        fail("id:alice");
        fail("id:alice");
        LockState two = store().lockState(REALM, "id:alice", SETTINGS);
        assertEquals(new LockState(true, false, Duration.ZERO, 2, 0), two);

        fail("id:alice");
        fail("id:alice");
        fail("id:alice");
        LockState locked = store().lockState(REALM, "id:alice", SETTINGS);
        assertTrue(locked.known());
        assertTrue(locked.locked());
        assertTrue(locked.remaining().compareTo(LOCK) <= 0 && !locked.remaining().isZero());
        assertEquals(1, locked.consecutiveLocks());
        assertEquals(LockState.CLEAR, store().lockState(REALM, "id:nobody", SETTINGS));
    }

    @Test
    void realmsAreSeparate() {
        lock("id:alice");
        assertEquals(ALLOWED, store().check(Attempt.of("realm-2", "id:alice", "192.0.2.1"), SETTINGS).verdict());
    }

    /** Five failures in a row; returns the locking decision. */
    Decision lock(String account) {
        Decision decision = null;
        for (int i = 0; i < 5; i++) {
            decision = fail(account);
        }
        assertEquals(LOCKED, decision.verdict());
        return decision;
    }

    /** Locks the account; returns the lock's id (the attempt that set it). */
    String lockWithId(String account) {
        for (int i = 1; i < 5; i++) {
            fail(account);
        }
        Attempt locking = attempt(account);
        assertEquals(ALLOWED, store().check(locking, SETTINGS).verdict());
        assertEquals(LOCKED, store().recordFailure(locking, SETTINGS).verdict());
        return locking.id();
    }
}
