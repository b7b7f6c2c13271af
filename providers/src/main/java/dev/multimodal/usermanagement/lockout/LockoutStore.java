package dev.multimodal.usermanagement.lockout;

/**
 * Lockout and rate-limit state. Every method is one atomic decision (for Redis: one round trip). The login-path
 * methods never throw: when the backing store fails, the decision follows {@link LockoutSettings#failureMode()}.
 *
 * <p>A login attempt calls {@link #check} before the credentials are verified, then exactly one of
 * {@link #recordFailure}, {@link #recordSuccess} or {@link #release}. {@code check} reserves a slot for the attempt
 * in flight, and refuses an attempt while failures plus attempts in flight reach {@code maxFailures}: parallel
 * attempts cannot overshoot the threshold (at most {@code maxFailures} passwords are checked before the lock).
 * A reservation whose request died expires after 30 s.
 */
public interface LockoutStore {

    /** Counts the request against the rate limits, refuses locked accounts, and reserves a failure slot. */
    Decision check(Attempt attempt, LockoutSettings settings);

    /**
     * The attempt's credentials were wrong (or the account unknown): counts a failed attempt for its IP and
     * locks the account when the failure window holds {@code maxFailures}.
     *
     * @return {@link Decision.Verdict#LOCKED} with the lock's duration when this failure locked the account,
     *         else {@link Decision#ALLOWED}
     */
    Decision recordFailure(Attempt attempt, LockoutSettings settings);

    /** The attempt made no guess after all (empty password, cancelled form): its reservation is dropped. */
    void release(Attempt attempt);

    /** The attempt succeeded: the failure count and the run of consecutive locks start over. */
    void recordSuccess(Attempt attempt, LockoutSettings settings);

    /**
     * Admin unlock (and completed password reset): clears the lock, the failures and the run of locks.
     *
     * @return whether the account was locked
     * @throws LockoutStoreException when the store cannot be reached (the admin must learn that nothing happened)
     */
    boolean unlock(String realmId, String accountKey);

    /**
     * Like {@link #unlock(String, String)}, but only while the account's lock is the one {@code lockId} names (the
     * {@link Attempt#id()} of the attempt that set it): a link sent for one lock never ends a later one.
     *
     * @return whether that lock was on and is now ended
     * @throws LockoutStoreException when the store cannot be reached
     */
    boolean unlock(String realmId, String accountKey, String lockId);

    /** For admins; {@link LockState#UNKNOWN} when the store cannot answer. */
    LockState lockState(String realmId, String accountKey, LockoutSettings settings);
}
