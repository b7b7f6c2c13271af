package dev.multimodal.usermanagement.lockout;

import java.time.Duration;

/**
 * An account's lock state as admins see it.
 *
 * @param known            false when the store could not be asked
 * @param remaining        time until the lock ends; zero when not locked
 * @param recentFailures   failures in the current window (including attempts in flight)
 * @param consecutiveLocks locks in the current run (they make the next lock longer)
 */
public record LockState(boolean known, boolean locked, Duration remaining, int recentFailures, int consecutiveLocks) {

    public static final LockState UNKNOWN = new LockState(false, false, Duration.ZERO, 0, 0);
    public static final LockState CLEAR = new LockState(true, false, Duration.ZERO, 0, 0);
}
