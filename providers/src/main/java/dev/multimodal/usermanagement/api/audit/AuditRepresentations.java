package dev.multimodal.usermanagement.api.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.multimodal.usermanagement.audit.AuditChain;
import dev.multimodal.usermanagement.audit.AuditCheckpointEntity;
import dev.multimodal.usermanagement.audit.AuditCheckpoints;
import dev.multimodal.usermanagement.audit.AuditLog;
import dev.multimodal.usermanagement.audit.AuditPurge;
import dev.multimodal.usermanagement.audit.AuditRow;
import java.time.Instant;
import java.util.List;

/** Response bodies of /audit, snake_case on the wire. */
public final class AuditRepresentations {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditRepresentations() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditView(
            String id,
            long position,
            Long sequence,
            boolean sealed,
            String time,
            String type,
            String userId,
            String clientId,
            String ip,
            String target,
            String sessionId,
            String outcome,
            String error,
            JsonNode details,
            String prevHash,
            String hash) {

        public static AuditView of(AuditRow row) {
            JsonNode details;
            try {
                details = row.details() == null ? null : JSON.readTree(row.details());
            } catch (Exception e) {
                details = null;
            }
            return new AuditView(
                    row.id(),
                    row.position(),
                    row.sequence(),
                    row.sealed(),
                    Instant.ofEpochMilli(row.time()).toString(),
                    row.type(),
                    row.userId(),
                    row.clientId(),
                    row.ip(),
                    row.target(),
                    row.sessionId(),
                    row.outcome(),
                    row.error(),
                    details,
                    row.prevHash(),
                    row.hash());
        }
    }

    /** A keyset page: pass {@code next_after} as {@code after} for the next one; null at the end. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditPage(List<AuditView> items, Long nextAfter, int limit) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Invalid(long sequence, String reason) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VerifyResult(
            boolean valid,
            long rowsChecked,
            Invalid firstInvalid,
            long checkpointSequence,
            boolean full,
            long verifiedSequence,
            long sealedRows,
            long unsealedRows,
            int signedCheckpointsChecked,
            SignedCheckpoint signedCheckpoint) {

        static VerifyResult of(AuditLog.Verification verification) {
            AuditChain.Break broken = verification.firstInvalid();
            AuditCheckpoints.Checkpoint signed = verification.signedCheckpoint();
            return new VerifyResult(
                    verification.valid(),
                    verification.rowsChecked(),
                    broken == null ? null : new Invalid(broken.sequence(), broken.reason()),
                    verification.checkpointSequence(),
                    verification.full(),
                    verification.verifiedSequence(),
                    verification.sealedRows(),
                    verification.unsealedRows(),
                    verification.signedCheckpointsChecked(),
                    signed == null
                            ? null
                            : new SignedCheckpoint(
                                    signed.size(), signed.hash(), signed.time().toString(), null));
        }
    }

    /** A signed checkpoint: the chain's head (sequence, hash) at a time, and the signed note that states it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignedCheckpoint(long sequence, String hash, String time, String note) {

        static SignedCheckpoint of(AuditCheckpointEntity checkpoint) {
            return new SignedCheckpoint(
                    checkpoint.getSequence(),
                    checkpoint.getHash(),
                    Instant.ofEpochMilli(checkpoint.getCreatedAt()).toString(),
                    checkpoint.getNote());
        }
    }

    /** The latest checkpoints, newest first, and the key that verifies their notes (signed-note verifier key form). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Checkpoints(String verifierKey, List<SignedCheckpoint> items) {}

    /** What a purge removed, and where the remaining chain now starts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PurgeResult(long purged, long checkpointSequence, String checkpointHash) {

        static PurgeResult of(AuditPurge.Result result) {
            return new PurgeResult(result.purged(), result.checkpointSequence(), result.checkpointHash());
        }
    }
}
