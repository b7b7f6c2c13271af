package dev.multimodal.usermanagement.lockout;

import static dev.multimodal.usermanagement.lockout.Decision.Verdict.ALLOWED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.LOCKED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.RATE_LIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

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
    static final LockoutSettings SETTINGS =
            new LockoutSettings(5, WINDOW, LOCK, 2.0, CAP, 20, 300, 1000, LockoutSettings.FailureMode.open, false);

    static final String REALM = "realm-1";
    /** How long the stores under test let an attempt wait for a failure slot. */
    static final Duration SLOT_WAIT = Duration.ofMillis(500);

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

    /** Five attempts in flight for the account: every failure slot is held. */
    List<Attempt> fillTheSlots(String account) {
        List<Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Attempt attempt = attempt(account, "198.51.100." + i);
            assertEquals(ALLOWED, store().check(attempt, SETTINGS).verdict(), "slot " + i);
            inFlight.add(attempt);
        }
        return inFlight;
    }

    /** A check on another thread, timed. */
    record Timed(Decision decision, long millis) {}

    CompletableFuture<Timed> checkInBackground(Attempt attempt) {
        CompletableFuture<Timed> result = CompletableFuture.supplyAsync(
                () -> {
                    long started = System.nanoTime();
                    Decision decision = store().check(attempt, SETTINGS);
                    return new Timed(
                            decision,
                            Duration.ofNanos(System.nanoTime() - started).toMillis());
                },
                BACKGROUND);
        sleep(100); // it is waiting now
        return result;
    }

    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "contract-check");
        thread.setDaemon(true);
        return thread;
    });

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void anAttemptBeyondTheFreeSlotsWaitsForOne() throws Exception {
        List<Attempt> inFlight = fillTheSlots("id:alice");
        CompletableFuture<Timed> sixth = checkInBackground(attempt("id:alice", "203.0.113.6"));
        assertFalse(sixth.isDone(), "the sixth attempt waits instead of being refused");
        store().recordSuccess(inFlight.get(0), SETTINGS);
        Timed timed = sixth.get(5, TimeUnit.SECONDS);
        assertEquals(ALLOWED, timed.decision().verdict(), "the freed slot is the sixth attempt's");
        assertTrue(timed.millis() < SLOT_WAIT.toMillis(), timed.millis() + " ms");
    }

    @Test
    void aWaitingAttemptSeesTheLockItsPredecessorsMade() throws Exception {
        List<Attempt> inFlight = fillTheSlots("id:alice");
        CompletableFuture<Timed> sixth = checkInBackground(attempt("id:alice", "203.0.113.6"));
        Decision last = null;
        for (Attempt attempt : inFlight) {
            last = store().recordFailure(attempt, SETTINGS);
        }
        assertEquals(LOCKED, last.verdict(), "the fifth failure locks");
        assertEquals(
                LOCKED,
                sixth.get(5, TimeUnit.SECONDS).decision().verdict(),
                "so the waiting attempt is refused unchecked");
    }

    @Test
    void theWaitIsBoundedAndReservesNothing() {
        List<Attempt> inFlight = fillTheSlots("id:alice");
        long started = System.nanoTime();
        Decision refused = store().check(attempt("id:alice", "203.0.113.6"), SETTINGS);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(RATE_LIMITED, refused.verdict(), "no slot freed up: try again shortly");
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(millis >= SLOT_WAIT.toMillis() - 20 && millis < SLOT_WAIT.toMillis() + 1000, millis + " ms");

        store().release(inFlight.get(0));
        assertEquals(
                ALLOWED,
                store().check(attempt("id:alice", "203.0.113.7"), SETTINGS).verdict(),
                "the refused attempt held no slot: the released one is free");
        assertEquals(
                RATE_LIMITED,
                store().check(attempt("id:alice", "203.0.113.8"), SETTINGS).verdict(),
                "full again");
    }

    @Test
    void parallelRightPasswordsAllGetInButNeverMoreThanTheThresholdAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Decision>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Attempt attempt = attempt("id:alice", "198.51.100." + i);
            results.add(pool.submit(() -> {
                start.await();
                Decision decision = store().check(attempt, SETTINGS);
                if (decision.allowed()) {
                    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    sleep(20); // the password check
                    inFlight.decrementAndGet();
                    store().recordSuccess(attempt, SETTINGS);
                }
                return decision;
            }));
        }
        start.countDown();
        for (Future<Decision> result : results) {
            assertEquals(ALLOWED, result.get(30, TimeUnit.SECONDS).verdict());
        }
        pool.shutdown();
        assertTrue(mostInFlight.get() <= 5, "at most max_failures passwords checked at once: " + mostInFlight.get());
        assertFalse(store().lockState(REALM, "id:alice", SETTINGS).locked());
    }

    @Test
    void releasedReservationsFreeTheirSlot() {
        List<Attempt> inFlight = fillTheSlots("id:alice");
        store().release(inFlight.get(0));
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
    }

    @Test
    void requestLimitsAloneIgnoreLocksAndSlots() {
        lock("id:alice");
        assertEquals(ALLOWED, store().checkLimits(attempt("id:alice"), SETTINGS).verdict(), "a lock does not refuse");
        fillTheSlots("id:bob");
        long started = System.nanoTime();
        assertEquals(ALLOWED, store().checkLimits(attempt("id:bob"), SETTINGS).verdict(), "held slots do not refuse");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < SLOT_WAIT.toMillis(), "nor make it wait");
        assertEquals(ALLOWED, store().check(attempt("id:carol"), SETTINGS).verdict());

        LockoutSettings perUsername =
                new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 300, 2, LockoutSettings.FailureMode.open, false);
        assertEquals(
                ALLOWED, store().checkLimits(attempt("id:dave"), perUsername).verdict());
        assertEquals(
                ALLOWED, store().checkLimits(attempt("id:dave"), perUsername).verdict());
        assertEquals(
                RATE_LIMITED,
                store().checkLimits(attempt("id:dave"), perUsername).verdict(),
                "requests are counted");
    }

    @Test
    void failedAttemptsPerIpAreRateLimitedAcrossAccounts() {
        LockoutSettings settings =
                new LockoutSettings(100, WINDOW, LOCK, 2, CAP, 3, 300, 10, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            fail("name:user" + i, settings);
        }
        Decision refused = store().check(attempt("name:someone-else"), settings);
        assertEquals(RATE_LIMITED, refused.verdict());
        assertTrue(refused.retryAfter().compareTo(Duration.ofMinutes(1)) <= 0
                && !refused.retryAfter().isZero());
        assertEquals(
                ALLOWED,
                store().check(attempt("name:someone-else", "203.0.113.9"), settings)
                        .verdict(),
                "another IP is not affected");
    }

    @Test
    void rateLimitedAttemptsTakeNoFailureSlot() {
        LockoutSettings settings =
                new LockoutSettings(2, WINDOW, LOCK, 2, CAP, 20, 1, 1000, LockoutSettings.FailureMode.open, false);
        assertEquals(
                ALLOWED,
                store().check(attempt("id:alice", "192.0.2.1"), settings).verdict(),
                "in flight: 1 of 2 slots");
        assertEquals(
                RATE_LIMITED,
                store().check(attempt("id:alice", "192.0.2.1"), settings).verdict(),
                "second request from the IP");
        assertEquals(
                ALLOWED,
                store().check(attempt("id:alice", "192.0.2.2"), settings).verdict(),
                "the refused attempt gave its slot back");
    }

    @Test
    void requestsPerIpAreRateLimited() {
        LockoutSettings settings =
                new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 3, 10, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            Attempt ok = attempt("id:user" + i);
            assertEquals(ALLOWED, store().check(ok, settings).verdict());
            store().recordSuccess(ok, settings);
        }
        assertEquals(RATE_LIMITED, store().check(attempt("id:user9"), settings).verdict());
    }

    @Test
    void requestsPerUsernameAreRateLimitedFromAnyIp() {
        LockoutSettings settings =
                new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 300, 3, LockoutSettings.FailureMode.open, false);
        for (int i = 0; i < 3; i++) {
            Attempt ok = attempt("id:alice", "198.51.100." + i);
            assertEquals(ALLOWED, store().check(ok, settings).verdict());
            store().recordSuccess(ok, settings);
        }
        Decision refused = store().check(attempt("id:alice", "203.0.113.50"), settings);
        assertEquals(RATE_LIMITED, refused.verdict());
        assertEquals(
                ALLOWED,
                store().check(attempt("id:bob", "203.0.113.50"), settings).verdict());
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
        assertTrue(
                locked.remaining().compareTo(LOCK) <= 0 && !locked.remaining().isZero());
        assertEquals(1, locked.consecutiveLocks());
        assertEquals(LockState.CLEAR, store().lockState(REALM, "id:nobody", SETTINGS));
    }

    @Test
    void unlockAllEndsTheRealmsLocksAndCountsOnly() {
        lock("id:alice");
        fail("name:bob");
        Attempt otherRealm = Attempt.of(REALM + "-2", "id:alice", "192.0.2.2");
        for (int i = 0; i < 5; i++) {
            assertEquals(ALLOWED, store().check(otherRealm, SETTINGS).verdict());
            store().recordFailure(otherRealm, SETTINGS);
            otherRealm = Attempt.of(REALM + "-2", "id:alice", "192.0.2.2");
        }

        store().unlockAll(REALM);

        assertEquals(LockState.CLEAR, store().lockState(REALM, "id:alice", SETTINGS));
        assertEquals(LockState.CLEAR, store().lockState(REALM, "name:bob", SETTINGS));
        assertTrue(
                store().lockState(REALM + "-2", "id:alice", SETTINGS).locked(),
                "another realm (whose id starts alike) keeps its lock");
        assertEquals(ALLOWED, store().check(attempt("id:alice"), SETTINGS).verdict());
    }

    @Test
    void realmsAreSeparate() {
        lock("id:alice");
        assertEquals(
                ALLOWED,
                store().check(Attempt.of("realm-2", "id:alice", "192.0.2.1"), SETTINGS)
                        .verdict());
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
