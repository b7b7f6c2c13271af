package dev.multimodal.usermanagement.health;

import dev.multimodal.usermanagement.redis.CacheStatus;

/** The body of {@code GET /health}, field names as the old service had them. */
public record HealthReport(String status, String service, String version, String timestamp, Dependencies dependencies) {

    public static final String SERVICE = "user-management";

    public record Dependencies(String database, String cache) {}

    /** Database down: unhealthy (503); Redis down: degraded (still 200, the failure mode covers it). */
    public static HealthReport of(boolean databaseUp, CacheStatus cache, String version, String timestamp) {
        String status = !databaseUp ? "unhealthy" : cache == CacheStatus.disconnected ? "degraded" : "healthy";
        return new HealthReport(
                status,
                SERVICE,
                version,
                timestamp,
                new Dependencies(databaseUp ? "connected" : "disconnected", cache.name()));
    }
}
