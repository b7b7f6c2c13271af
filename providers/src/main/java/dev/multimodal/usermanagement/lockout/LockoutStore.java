package dev.multimodal.usermanagement.lockout;

/**
 * Lockout and rate-limit state. Every method is one atomic decision (for Redis: one round trip). The login-path
 * methods never throw: when the backing store fails, the decision follows {@link LockoutSettings#failureMode()}.
 *
 * <p>A login attempt calls {@link #check} before the credentials are verified, then exactly one of
 * {@link #recordFailure}, {@link #recordSuccess} or {@link #release}. {@code check} reserves a failure slot for the
 * attempt in flight; while failures plus attempts in flight fill {@code maxFailures} slots, a further attempt waits
 * (briefly, see {@link SlotWait}) for one to free up: parallel attempts cannot overshoot the threshold (at most
 * {@code maxFailures} passwords are checked before the lock), and parallel right passwords are not refused for it.
 * A reservation whose request died expires after 30 s.
 */
public interface LockoutStore {

    /**
     * Counts the request against the rate limits, refuses locked accounts, and reserves a failure slot, waiting
     * briefly for one when all are held by attempts in flight ({@link Decision.Verdict#RATE_LIMITED} for about a
     * second when none frees up in time; {@link Decision.Verdict#LOCKED} when the account got locked meanwhile).
     */
    Decision check(Attempt attempt, LockoutSettings settings);

    /**
     * The request limits alone (per client IP, per username), for requests that guess no password: counts the
     * request, reserves nothing, never waits, and a lock does not refuse. Never followed by the recording methods.
     */
    Decision checkLimits(Attempt attempt, LockoutSettings settings);

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

    /**
     * Admin "unlock all users" of a realm: clears every account's lock, failures and run of locks in the realm (the
     * per-IP and per-username request limits stay). Work grows with the store's size, not with the realm's users.
     *
     * @throws LockoutStoreException when the store cannot be reached
     */
    void unlockAll(String realmId);

    /** For admins; {@link LockState#UNKNOWN} when the store cannot answer. */
    LockState lockState(String realmId, String accountKey, LockoutSettings settings);
}
