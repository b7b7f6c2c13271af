package dev.multimodal.usermanagement.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multimodal.usermanagement.redis.CacheStatus;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    @Test
    void databaseAndCacheUpIsHealthy() {
        HealthReport report = HealthReport.of(true, CacheStatus.connected, "1.0.0", "2026-01-01T00:00:00Z");
        assertEquals("healthy", report.status());
        assertEquals("connected", report.dependencies().database());
        assertEquals("connected", report.dependencies().cache());
        assertEquals("user-management", report.service());
    }

    @Test
    void embeddedStoreIsHealthy() {
        HealthReport report = HealthReport.of(true, CacheStatus.embedded, "1.0.0", "t");
        assertEquals("healthy", report.status());
        assertEquals("embedded", report.dependencies().cache());
    }

    @Test
    void cacheDownIsDegradedButServing() {
        HealthReport report = HealthReport.of(true, CacheStatus.disconnected, "1.0.0", "t");
        assertEquals("degraded", report.status());
    }

    @Test
    void databaseDownIsUnhealthyWhateverTheCache() {
        for (CacheStatus cache : CacheStatus.values()) {
            HealthReport report = HealthReport.of(false, cache, "1.0.0", "t");
            assertEquals("unhealthy", report.status());
            assertEquals("disconnected", report.dependencies().database());
        }
    }
}
