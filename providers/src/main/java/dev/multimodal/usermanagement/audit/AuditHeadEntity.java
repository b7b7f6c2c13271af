package dev.multimodal.usermanagement.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A realm's chain head: its last sealed sequence number and hash, the checkpoint of the last purge (the sequence and
 * hash of the last purged row, from which the remaining chain is verified; 0 and the genesis hash before any purge),
 * and the last signed checkpoint's sequence and time. Only the {@link AuditSealer}, the purge and the signing lock
 * this row (so one of them at a time changes a realm's chain, on any node); the writers of events never touch it. The verification's progress (last
 * verified row, re-check cursor) is read here but written only by {@link AuditLog} with SQL of its own, so a writer's
 * update of this entity never puts back an older value.
 */
@Entity
@Table(name = "UM_AUDIT_HEAD")
public class AuditHeadEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    @Column(name = "LAST_SEQ", nullable = false)
    private long lastSequence;

    @Column(name = "LAST_HASH", nullable = false, length = 64)
    private String lastHash;

    @Column(name = "CHECKPOINT_SEQ", nullable = false)
    private long checkpointSequence;

    @Column(name = "CHECKPOINT_HASH", nullable = false, length = 64)
    private String checkpointHash = AuditChain.GENESIS;

    @Column(name = "SIGNED_SEQ", nullable = false)
    private long signedSequence;

    @Column(name = "SIGNED_AT", nullable = false)
    private long signedAt;

    @Column(name = "VERIFIED_SEQ", insertable = false, updatable = false)
    private long verifiedSequence;

    @Column(name = "VERIFIED_HASH", insertable = false, updatable = false, length = 64)
    private String verifiedHash;

    @Column(name = "SWEEP_SEQ", insertable = false, updatable = false)
    private long sweepSequence;

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public long getLastSequence() {
        return lastSequence;
    }

    public void setLastSequence(long lastSequence) {
        this.lastSequence = lastSequence;
    }

    public String getLastHash() {
        return lastHash;
    }

    public void setLastHash(String lastHash) {
        this.lastHash = lastHash;
    }

    public long getCheckpointSequence() {
        return checkpointSequence;
    }

    public String getCheckpointHash() {
        return checkpointHash;
    }

    public long getSignedSequence() {
        return signedSequence;
    }

    public long getSignedAt() {
        return signedAt;
    }

    void signed(long sequence, long at) {
        this.signedSequence = sequence;
        this.signedAt = at;
    }

    /** The last row a verification found valid (0: none yet). */
    public long getVerifiedSequence() {
        return verifiedSequence;
    }

    public String getVerifiedHash() {
        return verifiedHash;
    }

    /** Where the next re-check of already verified rows starts (after this sequence). */
    public long getSweepSequence() {
        return sweepSequence;
    }
}
