package dev.multimodal.usermanagement.lockout;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One tenant's lockout and rate-limit settings, read from the authenticator's config (admin console form).
 * A missing or bad value falls back to its default: a typo in the console must never break logins.
 */
public record LockoutSettings(
        int maxFailures,
        Duration failureWindow,
        Duration lockoutDuration,
        double lockoutGrowthFactor,
        Duration lockoutCap,
        int failuresPerIpPerMinute,
        int requestsPerIpPerMinute,
        int requestsPerUsernamePerMinute,
        FailureMode failureMode,
        boolean lockoutEmail) {

    /** What a decision does when the store (Redis) cannot answer. */
    public enum FailureMode {
        /** allow the attempt: availability first (default) */
        open,
        /** refuse the attempt with a generic answer: protection first */
        closed
    }

    public static final String MAX_FAILURES = "maxFailures";
    public static final String FAILURE_WINDOW_MINUTES = "failureWindowMinutes";
    public static final String LOCKOUT_MINUTES = "lockoutMinutes";
    public static final String LOCKOUT_GROWTH_FACTOR = "lockoutGrowthFactor";
    public static final String LOCKOUT_CAP_MINUTES = "lockoutCapMinutes";
    public static final String FAILURES_PER_IP_PER_MINUTE = "failuresPerIpPerMinute";
    public static final String REQUESTS_PER_IP_PER_MINUTE = "requestsPerIpPerMinute";
    public static final String REQUESTS_PER_USERNAME_PER_MINUTE = "requestsPerUsernamePerMinute";
    public static final String FAILURE_MODE = "failureMode";
    public static final String LOCKOUT_EMAIL = "lockoutEmail";

    public static final LockoutSettings DEFAULTS = new LockoutSettings(
            5,
            Duration.ofMinutes(15),
            Duration.ofMinutes(15),
            2.0,
            Duration.ofHours(24),
            20,
            300,
            10,
            FailureMode.open,
            false);

    /** Upper bounds that keep the arithmetic (and Redis TTLs) sane whatever an admin types. */
    private static final int MAX_COUNT = 1_000_000;

    private static final long MAX_MINUTES = Duration.ofDays(365).toMinutes();
    private static final double MAX_GROWTH_FACTOR = 100.0;

    private static final Logger LOG = Logger.getLogger(LockoutSettings.class);

    public LockoutSettings {
        // the canonical constructor is used by tests and by from(); keep the invariants in one place
        if (maxFailures < 1
                || failuresPerIpPerMinute < 1
                || requestsPerIpPerMinute < 1
                || requestsPerUsernamePerMinute < 1) {
            throw new IllegalArgumentException("limits must be at least 1");
        }
        if (failureWindow.isNegative()
                || failureWindow.isZero()
                || lockoutDuration.isNegative()
                || lockoutDuration.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (lockoutGrowthFactor < 1.0 || Double.isNaN(lockoutGrowthFactor) || Double.isInfinite(lockoutGrowthFactor)) {
            throw new IllegalArgumentException("growth factor must be at least 1");
        }
        if (lockoutCap.compareTo(lockoutDuration) < 0) {
            lockoutCap = lockoutDuration;
        }
    }

    /** Settings from an authenticator config map (null: no config, all defaults). Never throws. */
    public static LockoutSettings from(Map<String, String> config) {
        if (config == null || config.isEmpty()) {
            return DEFAULTS;
        }
        LockoutSettings d = DEFAULTS;
        Duration lockout = minutes(config, LOCKOUT_MINUTES, d.lockoutDuration);
        Duration cap = minutes(config, LOCKOUT_CAP_MINUTES, d.lockoutCap);
        if (cap.compareTo(lockout) < 0) {
            LOG.warnf(
                    "Lockout config: %s (%d) is below %s (%d); using %s as the cap",
                    LOCKOUT_CAP_MINUTES, cap.toMinutes(), LOCKOUT_MINUTES, lockout.toMinutes(), LOCKOUT_MINUTES);
            cap = lockout;
        }
        return new LockoutSettings(
                count(config, MAX_FAILURES, d.maxFailures),
                minutes(config, FAILURE_WINDOW_MINUTES, d.failureWindow),
                lockout,
                growthFactor(config, d.lockoutGrowthFactor),
                cap,
                count(config, FAILURES_PER_IP_PER_MINUTE, d.failuresPerIpPerMinute),
                count(config, REQUESTS_PER_IP_PER_MINUTE, d.requestsPerIpPerMinute),
                count(config, REQUESTS_PER_USERNAME_PER_MINUTE, d.requestsPerUsernamePerMinute),
                failureMode(config, d.failureMode),
                bool(config, LOCKOUT_EMAIL, d.lockoutEmail));
    }

    /**
     * How long the {@code consecutiveLock}-th lock in a row lasts (1 = the first): the base duration times
     * the growth factor to the power of {@code consecutiveLock - 1}, never more than the cap.
     */
    public Duration lockDuration(int consecutiveLock) {
        int exponent = Math.max(0, consecutiveLock - 1);
        double millis = lockoutDuration.toMillis() * Math.pow(lockoutGrowthFactor, exponent);
        long capMillis = lockoutCap.toMillis();
        // NaN cannot happen (factor >= 1); infinity and overflow both land on the cap
        return Duration.ofMillis(millis >= capMillis ? capMillis : (long) millis);
    }

    private static String raw(Map<String, String> config, String key) {
        String value = config.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int count(Map<String, String> config, String key, int fallback) {
        String value = raw(config, key);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= MAX_COUNT) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return invalid(key, value, fallback);
    }

    private static Duration minutes(Map<String, String> config, String key, Duration fallback) {
        String value = raw(config, key);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 1 && parsed <= MAX_MINUTES) {
                return Duration.ofMinutes(parsed);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return invalid(key, value, fallback);
    }

    private static double growthFactor(Map<String, String> config, double fallback) {
        String value = raw(config, LOCKOUT_GROWTH_FACTOR);
        if (value == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= 1.0 && parsed <= MAX_GROWTH_FACTOR) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return invalid(LOCKOUT_GROWTH_FACTOR, value, fallback);
    }

    private static FailureMode failureMode(Map<String, String> config, FailureMode fallback) {
        String value = raw(config, FAILURE_MODE);
        if (value == null) {
            return fallback;
        }
        try {
            return FailureMode.valueOf(value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return invalid(FAILURE_MODE, value, fallback);
        }
    }

    private static boolean bool(Map<String, String> config, String key, boolean fallback) {
        String value = raw(config, key);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        return invalid(key, value, fallback);
    }

    private static <T> T invalid(String key, String value, T fallback) {
        // config values are numbers and enum names, never secrets: safe to log
        LOG.warnf("Lockout config: invalid %s '%s'; using the default %s", key, value, fallback);
        return fallback;
    }
}
