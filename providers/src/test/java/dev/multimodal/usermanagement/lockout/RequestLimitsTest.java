package dev.multimodal.usermanagement.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

    private static final LockoutSettings SETTINGS = new LockoutSettings(
            2,
            Duration.ofMinutes(15),
            Duration.ofMinutes(15),
            2.0,
            Duration.ofHours(24),
            20,
            300,
            4,
            LockoutSettings.FailureMode.open,
            false);

    private final InMemoryLockoutStore store = new InMemoryLockoutStore(new MutableClock(), 1000);

    @Test
    void requestsBeyondTheUsernameLimitAreRefusedAndHoldNoFailureSlot() {
        String account = AccountKeys.forUnknownName("newbie");
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    Decision.Verdict.ALLOWED,
                    RequestLimits.check(store, SETTINGS, "r", account, "10.0.0.1")
                            .verdict(),
                    "request " + (i + 1) + " of 4; with max failures 2, held slots would have refused the 3rd");
        }
        Decision refused = RequestLimits.check(store, SETTINGS, "r", account, "10.0.0.1");
        assertEquals(Decision.Verdict.RATE_LIMITED, refused.verdict());
        assertEquals(429, RequestLimits.status(refused).getStatusCode());
        assertEquals(
                LockoutRateLimitAuthenticator.RATE_LIMITED_MESSAGE,
                RequestLimits.message(refused).getMessage());
        assertEquals("rate_limited", RequestLimits.eventError(refused));
    }

    @Test
    void aLockedAccountMayStillResetItsPassword() {
        String account = AccountKeys.forUser("u1");
        for (int i = 0; i < 2; i++) {
            Attempt attempt = Attempt.of("r", account, "10.0.0.1");
            store.check(attempt, SETTINGS);
            store.recordFailure(attempt, SETTINGS);
        }
        assertEquals(
                Decision.Verdict.LOCKED,
                store.check(Attempt.of("r", account, "10.0.0.1"), SETTINGS).verdict());
        assertEquals(
                Decision.Verdict.ALLOWED,
                RequestLimits.check(store, SETTINGS, "r", account, "10.0.0.1").verdict());
    }
}
