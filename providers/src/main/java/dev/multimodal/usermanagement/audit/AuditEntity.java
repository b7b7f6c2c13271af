package dev.multimodal.usermanagement.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One audit row (table UM_AUDIT): an event, its place in write order ({@code POS}, given by the database sequence
 * UM_AUDIT_POS when the row is inserted) and, once the sealer has chained it, its realm's sequence number and its
 * place in the realm's hash chain (null until then).
 */
@Entity
@Table(name = "UM_AUDIT")
public class AuditEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "POS", insertable = false, updatable = false)
    private Long position;

    @Column(name = "SEQ")
    private Long sequence;

    @Column(name = "EVENT_TIME", nullable = false)
    private long time;

    @Column(name = "TYPE", length = 255, nullable = false)
    private String type;

    @Column(name = "USER_ID", length = 255)
    private String userId;

    @Column(name = "CLIENT_ID", length = 255)
    private String clientId;

    @Column(name = "IP_ADDRESS", length = 255)
    private String ip;

    @Column(name = "TARGET", length = 1024)
    private String target;

    @Column(name = "SESSION_ID", length = 255)
    private String sessionId;

    @Column(name = "OUTCOME", length = 16, nullable = false)
    private String outcome;

    @Column(name = "ERROR", length = 255)
    private String error;

    @Column(name = "DETAILS", columnDefinition = "TEXT")
    private String details;

    @Column(name = "PREV_HASH", length = 64)
    private String prevHash;

    @Column(name = "HASH", length = 64)
    private String hash;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public Long getPosition() {
        return position;
    }

    /** The chain's sequence number, or null while the row is not sealed yet. */
    public Long getSequence() {
        return sequence;
    }

    public void setSequence(Long sequence) {
        this.sequence = sequence;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    public String getOutcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public String getDetails() {
        return details;
    }

    public void setDetails(String details) {
        this.details = details;
    }

    public String getPrevHash() {
        return prevHash;
    }

    public void setPrevHash(String prevHash) {
        this.prevHash = prevHash;
    }

    public String getHash() {
        return hash;
    }

    public void setHash(String hash) {
        this.hash = hash;
    }

    /** The row as the chain sees it, with the sequence it has or is about to get. */
    public AuditRecord record(long sequence) {
        return new AuditRecord(
                id, realmId, sequence, time, type, userId, clientId, ip, target, sessionId, outcome, error, details);
    }
}
