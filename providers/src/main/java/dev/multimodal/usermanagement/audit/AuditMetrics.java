package dev.multimodal.usermanagement.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * Audit counters in Micrometer's global registry, which Keycloak serves on its metrics endpoint
 * ({@code um_audit_rows_written_total}, {@code um_audit_write_failures_total}, {@code um_audit_verifications_total{result}},
 * {@code um_audit_purges_total}, {@code um_audit_purged_rows_total}, {@code um_audit_purge_failures_total},
 * {@code um_audit_rows_sealed_total}, {@code um_audit_seal_failures_total}, {@code um_audit_checkpoints_signed_total},
 * {@code um_audit_checkpoint_failures_total}).
 */
public final class AuditMetrics {

    private static final Counter WRITTEN = Counter.builder("um.audit.rows.written")
            .description("Audit rows committed")
            .register(Metrics.globalRegistry);
    private static final Counter FAILURES = Counter.builder("um.audit.write.failures")
            .description("Audit writes that failed (their action was rolled back)")
            .register(Metrics.globalRegistry);
    private static final Counter VALID = Counter.builder("um.audit.verifications")
            .tag("result", "valid")
            .description("Chain verifications by result")
            .register(Metrics.globalRegistry);
    private static final Counter INVALID = Counter.builder("um.audit.verifications")
            .tag("result", "invalid")
            .description("Chain verifications by result")
            .register(Metrics.globalRegistry);

    private static final Counter PURGES = Counter.builder("um.audit.purges")
            .description("Retention purges that removed rows")
            .register(Metrics.globalRegistry);
    private static final Counter PURGED_ROWS = Counter.builder("um.audit.purged.rows")
            .description("Audit rows removed by retention purges")
            .register(Metrics.globalRegistry);
    private static final Counter PURGE_FAILURES = Counter.builder("um.audit.purge.failures")
            .description("Retention purges of a realm that stopped with an error")
            .register(Metrics.globalRegistry);

    private static final Counter SEALED = Counter.builder("um.audit.rows.sealed")
            .description("Audit rows chained by the sealer")
            .register(Metrics.globalRegistry);
    private static final Counter SEAL_FAILURES = Counter.builder("um.audit.seal.failures")
            .description("Sealer runs of a realm that failed (its rows wait for the next run)")
            .register(Metrics.globalRegistry);
    private static final Counter SIGNED = Counter.builder("um.audit.checkpoints.signed")
            .description("Checkpoints signed")
            .register(Metrics.globalRegistry);
    private static final Counter SIGN_FAILURES = Counter.builder("um.audit.checkpoint.failures")
            .description(
                    "Checkpoints not signed (a chain that no longer passes through its last checkpoint, or an error)")
            .register(Metrics.globalRegistry);

    private AuditMetrics() {}

    static void written(int rows) {
        WRITTEN.increment(rows);
    }

    static void failed(int rows) {
        FAILURES.increment(rows);
    }

    static void verified(boolean valid) {
        (valid ? VALID : INVALID).increment();
    }

    static void sealed(int rows) {
        SEALED.increment(rows);
    }

    static void sealFailed() {
        SEAL_FAILURES.increment();
    }

    static void signed() {
        SIGNED.increment();
    }

    static void signFailed() {
        SIGN_FAILURES.increment();
    }

    static void purged(long rows) {
        PURGES.increment();
        PURGED_ROWS.increment(rows);
    }

    static void purgeFailed() {
        PURGE_FAILURES.increment();
    }
}
