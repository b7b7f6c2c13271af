package dev.multimodal.usermanagement.lockout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * An attempt that finds all of its account's failure slots held by attempts in flight waits a little for one
 * instead of being refused: honest parallel logins (a script, a few tabs) each get their turn, while no more than
 * {@code maxFailures} passwords are ever being checked at once. The wait is bounded; polling with a growing, jittered
 * pause, because a slot frees up when another request (maybe on another node) records its outcome.
 */
final class SlotWait {

    /** A password check takes well under this, even queued behind a few others on a busy node. */
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
    /** No slot freed up in time: many attempts at once for one account; the client should try again shortly. */
    static final Decision NO_SLOT = Decision.rateLimited(Duration.ofSeconds(1));

    private static final long FIRST_PAUSE_MS = 4;
    private static final long MAX_PAUSE_MS = 100;

    private SlotWait() {}

    /**
     * @param check   the attempt's first (counting) check: a decision, or empty when every slot is held in flight
     * @param reserve a later try for a slot alone (counts nothing again): a decision, or empty while still full
     */
    static Decision await(Supplier<Optional<Decision>> check, Supplier<Optional<Decision>> reserve, Duration maxWait) {
        Optional<Decision> decision = check.get();
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pause = FIRST_PAUSE_MS;
        while (decision.isEmpty()) {
            long leftMs = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (leftMs <= 0) {
                return NO_SLOT;
            }
            try {
                Thread.sleep(Math.min(leftMs, ThreadLocalRandom.current().nextLong(pause / 2, pause + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return NO_SLOT;
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MS);
            decision = reserve.get();
        }
        return decision.get();
    }
}
