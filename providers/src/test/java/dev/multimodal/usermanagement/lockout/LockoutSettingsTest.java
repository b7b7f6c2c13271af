package dev.multimodal.usermanagement.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockoutSettingsTest {

    @Test
    void defaultsAreTheIssuesValues() {
        LockoutSettings d = LockoutSettings.DEFAULTS;
        assertEquals(5, d.maxFailures());
        assertEquals(Duration.ofMinutes(15), d.failureWindow());
        assertEquals(Duration.ofMinutes(15), d.lockoutDuration());
        assertEquals(2.0, d.lockoutGrowthFactor());
        assertEquals(Duration.ofHours(24), d.lockoutCap());
        assertEquals(20, d.failuresPerIpPerMinute());
        assertEquals(300, d.requestsPerIpPerMinute());
        assertEquals(10, d.requestsPerUsernamePerMinute());
        assertEquals(LockoutSettings.FailureMode.open, d.failureMode());
        assertFalse(d.lockoutEmail());
    }

    @Test
    void noConfigMeansDefaults() {
        assertSame(LockoutSettings.DEFAULTS, LockoutSettings.from(null));
        assertSame(LockoutSettings.DEFAULTS, LockoutSettings.from(Map.of()));
    }

    @Test
    void readsEveryValue() {
        Map<String, String> config = new HashMap<>();
        config.put(LockoutSettings.MAX_FAILURES, "3");
        config.put(LockoutSettings.FAILURE_WINDOW_MINUTES, "10");
        config.put(LockoutSettings.LOCKOUT_MINUTES, " 5 ");
        config.put(LockoutSettings.LOCKOUT_GROWTH_FACTOR, "1.5");
        config.put(LockoutSettings.LOCKOUT_CAP_MINUTES, "60");
        config.put(LockoutSettings.FAILURES_PER_IP_PER_MINUTE, "7");
        config.put(LockoutSettings.REQUESTS_PER_IP_PER_MINUTE, "1000");
        config.put(LockoutSettings.REQUESTS_PER_USERNAME_PER_MINUTE, "4");
        config.put(LockoutSettings.FAILURE_MODE, "CLOSED");
        config.put(LockoutSettings.LOCKOUT_EMAIL, "true");

        LockoutSettings s = LockoutSettings.from(config);

        assertEquals(
                new LockoutSettings(
                        3,
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(5),
                        1.5,
                        Duration.ofMinutes(60),
                        7,
                        1000,
                        4,
                        LockoutSettings.FailureMode.closed,
                        true),
                s);
    }

    @Test
    void badValuesFallBackToTheirDefaultsOneByOne() {
        Map<String, String> config = new HashMap<>();
        config.put(LockoutSettings.MAX_FAILURES, "zero");
        config.put(LockoutSettings.FAILURE_WINDOW_MINUTES, "-1");
        config.put(LockoutSettings.LOCKOUT_MINUTES, "0");
        config.put(LockoutSettings.LOCKOUT_GROWTH_FACTOR, "0.5");
        config.put(LockoutSettings.LOCKOUT_CAP_MINUTES, "99999999999999999999");
        config.put(LockoutSettings.FAILURES_PER_IP_PER_MINUTE, "2.5");
        config.put(LockoutSettings.REQUESTS_PER_IP_PER_MINUTE, "");
        config.put(LockoutSettings.REQUESTS_PER_USERNAME_PER_MINUTE, "12");
        config.put(LockoutSettings.FAILURE_MODE, "sometimes");
        config.put(LockoutSettings.LOCKOUT_EMAIL, "yes");

        LockoutSettings s = LockoutSettings.from(config);

        LockoutSettings d = LockoutSettings.DEFAULTS;
        assertEquals(d.maxFailures(), s.maxFailures());
        assertEquals(d.failureWindow(), s.failureWindow());
        assertEquals(d.lockoutDuration(), s.lockoutDuration());
        assertEquals(d.lockoutGrowthFactor(), s.lockoutGrowthFactor());
        assertEquals(d.lockoutCap(), s.lockoutCap());
        assertEquals(d.failuresPerIpPerMinute(), s.failuresPerIpPerMinute());
        assertEquals(d.requestsPerIpPerMinute(), s.requestsPerIpPerMinute());
        assertEquals(12, s.requestsPerUsernamePerMinute(), "a good value next to bad ones is kept");
        assertEquals(d.failureMode(), s.failureMode());
        assertEquals(d.lockoutEmail(), s.lockoutEmail());
    }

    @Test
    void nonFiniteGrowthFactorsAreRefused() {
        for (String bad : new String[] {"NaN", "Infinity", "1e400", "101"}) {
            assertEquals(
                    2.0,
                    LockoutSettings.from(Map.of(LockoutSettings.LOCKOUT_GROWTH_FACTOR, bad))
                            .lockoutGrowthFactor(),
                    bad);
        }
    }

    @Test
    void capBelowTheLockoutDurationIsRaisedToIt() {
        LockoutSettings s = LockoutSettings.from(
                Map.of(LockoutSettings.LOCKOUT_MINUTES, "30", LockoutSettings.LOCKOUT_CAP_MINUTES, "10"));
        assertEquals(Duration.ofMinutes(30), s.lockoutCap());
        assertEquals(Duration.ofMinutes(30), s.lockDuration(5));
    }

    @Test
    void lockDurationGrowsByTheFactorPerConsecutiveLockUpToTheCap() {
        LockoutSettings s = LockoutSettings.DEFAULTS;
        assertEquals(Duration.ofMinutes(15), s.lockDuration(1));
        assertEquals(Duration.ofMinutes(30), s.lockDuration(2));
        assertEquals(Duration.ofMinutes(60), s.lockDuration(3));
        assertEquals(Duration.ofMinutes(15 * 64), s.lockDuration(7));
        assertEquals(Duration.ofHours(24), s.lockDuration(8), "15 min * 2^7 = 32 h is above the 24 h cap");
        assertEquals(Duration.ofHours(24), s.lockDuration(10_000), "no overflow far beyond the cap");
        assertEquals(Duration.ofMinutes(15), s.lockDuration(0), "0 or less counts as the first lock");
    }

    @Test
    void growthFactorOneKeepsTheDurationConstant() {
        LockoutSettings s = LockoutSettings.from(Map.of(LockoutSettings.LOCKOUT_GROWTH_FACTOR, "1"));
        assertEquals(Duration.ofMinutes(15), s.lockDuration(50));
    }

    @Test
    void constructorRefusesNonsense() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LockoutSettings(
                        0,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        2,
                        Duration.ofMinutes(1),
                        1,
                        1,
                        1,
                        LockoutSettings.FailureMode.open,
                        false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LockoutSettings(
                        1,
                        Duration.ZERO,
                        Duration.ofMinutes(1),
                        2,
                        Duration.ofMinutes(1),
                        1,
                        1,
                        1,
                        LockoutSettings.FailureMode.open,
                        false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LockoutSettings(
                        1,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        0.9,
                        Duration.ofMinutes(1),
                        1,
                        1,
                        1,
                        LockoutSettings.FailureMode.open,
                        false));
    }

    @Test
    void retryAfterRoundsUpToWholeSecondsAndIsAtLeastOne() {
        assertEquals(1, Decision.rateLimited(Duration.ofMillis(1)).retryAfterSeconds());
        assertEquals(2, Decision.rateLimited(Duration.ofMillis(1001)).retryAfterSeconds());
        assertEquals(1, Decision.rateLimited(Duration.ZERO).retryAfterSeconds());
        assertTrue(Decision.ALLOWED.allowed());
    }
}
