package dev.multimodal.usermanagement.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The step's lock state in Keycloak's brute-force terms, as the admin console reads it. */
class LockoutFailureRecordTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static LockoutLoginFailures.LockoutFailureRecord record(LockState state) {
        return new LockoutLoginFailures.LockoutFailureRecord("realm-1", "user-1", state, LockoutSettings.DEFAULTS, NOW);
    }

    @Test
    void failuresWithoutALock() {
        var record = record(new LockState(true, false, Duration.ZERO, 3, 0));
        assertEquals(3, record.getNumFailures());
        assertEquals(0, record.getFailedLoginNotBefore());
        assertEquals(0, record.getLastFailure());
        assertEquals("user-1", record.getUserId());
    }

    @Test
    void aLockShowsTheThresholdItsEndAndItsStart() {
        // the second lock of a run lasts 30 min with the defaults (15 min, doubling); 20 min are left
        var record = record(new LockState(true, true, Duration.ofMinutes(20), 0, 2));
        assertEquals(LockoutSettings.DEFAULTS.maxFailures(), record.getNumFailures());
        assertEquals(2, record.getNumTemporaryLockouts());
        assertEquals(NOW.plus(Duration.ofMinutes(20)).getEpochSecond(), record.getFailedLoginNotBefore());
        assertEquals(NOW.minus(Duration.ofMinutes(10)).toEpochMilli(), record.getLastFailure());
        assertEquals("n/a", record.getLastIPFailure());
    }
}
