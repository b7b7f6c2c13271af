package dev.multimodal.usermanagement.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.multimodal.usermanagement.audit.AuditChain;
import dev.multimodal.usermanagement.audit.AuditLog;
import dev.multimodal.usermanagement.audit.AuditPurge;
import dev.multimodal.usermanagement.audit.AuditRow;

import java.time.Instant;
import java.util.List;

/** Response bodies of /audit, snake_case on the wire. */
public final class AuditRepresentations {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditRepresentations() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditView(String id, long sequence, String time, String type, String userId, String clientId, String ip,
                            String target, String sessionId, String outcome, String error, JsonNode details, String prevHash,
                            String hash) {

        public static AuditView of(AuditRow row) {
            JsonNode details;
            try {
                details = row.details() == null ? null : JSON.readTree(row.details());
            } catch (Exception e) {
                details = null;
            }
            return new AuditView(row.id(), row.sequence(), Instant.ofEpochMilli(row.time()).toString(), row.type(), row.userId(),
                    row.clientId(), row.ip(), row.target(), row.sessionId(), row.outcome(), row.error(), details, row.prevHash(),
                    row.hash());
        }
    }

    /** A keyset page: pass {@code next_after} as {@code after} for the next one; null at the end. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditPage(List<AuditView> items, Long nextAfter, int limit) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Invalid(long sequence, String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VerifyResult(boolean valid, long rowsChecked, Invalid firstInvalid, long checkpointSequence, boolean full,
                               long verifiedSequence) {

        static VerifyResult of(AuditLog.Verification verification) {
            AuditChain.Break broken = verification.firstInvalid();
            return new VerifyResult(verification.valid(), verification.rowsChecked(),
                    broken == null ? null : new Invalid(broken.sequence(), broken.reason()), verification.checkpointSequence(),
                    verification.full(), verification.verifiedSequence());
        }
    }

    /** What a purge removed, and where the remaining chain now starts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PurgeResult(long purged, long checkpointSequence, String checkpointHash) {

        static PurgeResult of(AuditPurge.Result result) {
            return new PurgeResult(result.purged(), result.checkpointSequence(), result.checkpointHash());
        }
    }
}
