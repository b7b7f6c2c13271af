package dev.multimodal.usermanagement.lockout;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Counts what a store decides (locks, rate limits, unlocks) and times its decisions, tagged by realm name; the
 * decisions themselves are the delegate's. Store errors are counted where they are seen, in the factory.
 */
final class MeteredLockoutStore implements LockoutStore {

    private final LockoutStore delegate;
    private final Function<String, String> realmNames;

    /** @param realmNames realm id to realm name (the tag) */
    MeteredLockoutStore(LockoutStore delegate, Function<String, String> realmNames) {
        this.delegate = delegate;
        this.realmNames = realmNames;
    }

    @Override
    public Decision check(Attempt attempt, LockoutSettings settings) {
        return timed(
                attempt,
                () -> delegate.check(attempt, settings),
                Decision.Verdict.RATE_LIMITED,
                LockoutMetrics::rateLimited);
    }

    @Override
    public Decision checkLimits(Attempt attempt, LockoutSettings settings) {
        return timed(
                attempt,
                () -> delegate.checkLimits(attempt, settings),
                Decision.Verdict.RATE_LIMITED,
                LockoutMetrics::rateLimited);
    }

    /** A failure that locks counts as a lock; a check refused as already locked does not count again. */
    @Override
    public Decision recordFailure(Attempt attempt, LockoutSettings settings) {
        return timed(
                attempt,
                () -> delegate.recordFailure(attempt, settings),
                Decision.Verdict.LOCKED,
                LockoutMetrics::locked);
    }

    /** Times one decision and counts it, by realm name, when it has the given verdict. */
    private Decision timed(
            Attempt attempt, Supplier<Decision> decide, Decision.Verdict counted, Consumer<String> count) {
        long started = System.nanoTime();
        Decision decision = decide.get();
        String realm = realmNames.apply(attempt.realmId());
        LockoutMetrics.decision(realm, Duration.ofNanos(System.nanoTime() - started));
        if (decision.verdict() == counted) {
            count.accept(realm);
        }
        return decision;
    }

    @Override
    public void release(Attempt attempt) {
        delegate.release(attempt);
    }

    @Override
    public void recordSuccess(Attempt attempt, LockoutSettings settings) {
        long started = System.nanoTime();
        delegate.recordSuccess(attempt, settings);
        LockoutMetrics.decision(realmNames.apply(attempt.realmId()), Duration.ofNanos(System.nanoTime() - started));
    }

    @Override
    public boolean unlock(String realmId, String accountKey) {
        boolean wasLocked = delegate.unlock(realmId, accountKey);
        if (wasLocked) {
            LockoutMetrics.unlocked(realmNames.apply(realmId));
        }
        return wasLocked;
    }

    @Override
    public boolean unlock(String realmId, String accountKey, String lockId) {
        boolean ended = delegate.unlock(realmId, accountKey, lockId);
        if (ended) {
            LockoutMetrics.unlocked(realmNames.apply(realmId));
        }
        return ended;
    }

    @Override
    public void unlockAll(String realmId) {
        delegate.unlockAll(realmId);
    }

    @Override
    public LockState lockState(String realmId, String accountKey, LockoutSettings settings) {
        return delegate.lockState(realmId, accountKey, settings);
    }
}
