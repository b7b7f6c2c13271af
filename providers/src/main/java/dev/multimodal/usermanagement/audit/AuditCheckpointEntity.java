package dev.multimodal.usermanagement.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A signed checkpoint of a realm's chain (table UM_AUDIT_CHECKPOINT). The note is what counts: it is signed, and
 * verification reads size and hash from it; the other columns are for finding it.
 */
@Entity
@Table(name = "UM_AUDIT_CHECKPOINT")
public class AuditCheckpointEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "SEQ", nullable = false)
    private long sequence;

    @Column(name = "HASH", length = 64, nullable = false)
    private String hash;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "NOTE", columnDefinition = "TEXT", nullable = false)
    private String note;

    static AuditCheckpointEntity of(
            String id, String realmId, long sequence, String hash, long createdAt, String note) {
        AuditCheckpointEntity e = new AuditCheckpointEntity();
        e.id = id;
        e.realmId = realmId;
        e.sequence = sequence;
        e.hash = hash;
        e.createdAt = createdAt;
        e.note = note;
        return e;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public long getSequence() {
        return sequence;
    }

    public String getHash() {
        return hash;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public String getNote() {
        return note;
    }
}
