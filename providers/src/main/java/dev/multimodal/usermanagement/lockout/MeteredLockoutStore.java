package dev.multimodal.usermanagement.lockout;

import java.time.Duration;
import java.util.function.Function;

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
        long started = System.nanoTime();
        Decision decision = delegate.check(attempt, settings);
        String realm = realmNames.apply(attempt.realmId());
        LockoutMetrics.decision(realm, Duration.ofNanos(System.nanoTime() - started));
        if (decision.verdict() == Decision.Verdict.RATE_LIMITED) {
            LockoutMetrics.rateLimited(realm);
        }
        return decision;
    }

    @Override
    public Decision checkLimits(Attempt attempt, LockoutSettings settings) {
        long started = System.nanoTime();
        Decision decision = delegate.checkLimits(attempt, settings);
        String realm = realmNames.apply(attempt.realmId());
        LockoutMetrics.decision(realm, Duration.ofNanos(System.nanoTime() - started));
        if (decision.verdict() == Decision.Verdict.RATE_LIMITED) {
            LockoutMetrics.rateLimited(realm);
        }
        return decision;
    }

    @Override
    public Decision recordFailure(Attempt attempt, LockoutSettings settings) {
        long started = System.nanoTime();
        Decision decision = delegate.recordFailure(attempt, settings);
        String realm = realmNames.apply(attempt.realmId());
        LockoutMetrics.decision(realm, Duration.ofNanos(System.nanoTime() - started));
        if (decision.verdict() == Decision.Verdict.LOCKED) {
            LockoutMetrics.locked(realm);
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
    public LockState lockState(String realmId, String accountKey, LockoutSettings settings) {
        return delegate.lockState(realmId, accountKey, settings);
    }
}
