package dev.multimodal.usermanagement.lockout;

import java.time.Duration;

/**
 * The store's answer.
 *
 * @param retryAfter how long until the refusal ends; zero when allowed
 * @param consecutiveLocks for a lock made by {@code recordFailure}: its place in the run of locks (1 = first)
 */
public record Decision(Verdict verdict, Duration retryAfter, int consecutiveLocks) {

    public enum Verdict {
        ALLOWED,
        /** the account is locked */
        LOCKED,
        /**
         * too many requests or failures from this client IP, or for this username, or (for about a second) too many
         * attempts in flight for one account to wait for a failure slot
         */
        RATE_LIMITED,
        /** the store failed and the failure mode is {@code closed} */
        UNAVAILABLE
    }

    public static final Decision ALLOWED = new Decision(Verdict.ALLOWED, Duration.ZERO, 0);
    /** How long a client should wait after an outage refusal. */
    public static final Decision UNAVAILABLE = new Decision(Verdict.UNAVAILABLE, Duration.ofSeconds(5), 0);

    public static Decision locked(Duration retryAfter) {
        return new Decision(Verdict.LOCKED, retryAfter, 0);
    }

    public static Decision lockedNow(Duration lockDuration, int consecutiveLocks) {
        return new Decision(Verdict.LOCKED, lockDuration, consecutiveLocks);
    }

    public static Decision rateLimited(Duration retryAfter) {
        return new Decision(Verdict.RATE_LIMITED, retryAfter, 0);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOWED;
    }

    /** Whole seconds for a {@code Retry-After} header, at least 1. */
    public long retryAfterSeconds() {
        long millis = retryAfter.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** What a decision is when the store could not be asked. */
    static Decision onOutage(LockoutSettings settings) {
        return settings.failureMode() == LockoutSettings.FailureMode.closed ? UNAVAILABLE : ALLOWED;
    }
}
