package dev.multimodal.usermanagement.audit;

/** A row as read back (not a managed entity, so pages leave nothing behind in the persistence context). */
public record AuditRow(String id, String realmId, long sequence, long time, String type, String userId, String clientId,
                       String ip, String target, String sessionId, String outcome, String error, String details,
                       String prevHash, String hash) {

    static final String SELECT = "select new dev.multimodal.usermanagement.audit.AuditRow(a.id, a.realmId, a.sequence, a.time,"
            + " a.type, a.userId, a.clientId, a.ip, a.target, a.sessionId, a.outcome, a.error, a.details, a.prevHash, a.hash)"
            + " from AuditEntity a";

    public AuditRecord record() {
        return new AuditRecord(id, realmId, sequence, time, type, userId, clientId, ip, target, sessionId, outcome, error, details);
    }
}
