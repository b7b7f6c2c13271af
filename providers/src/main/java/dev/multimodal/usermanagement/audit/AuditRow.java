package dev.multimodal.usermanagement.audit;

/**
 * A row as read back (not a managed entity, so pages leave nothing behind in the persistence context).
 *
 * @param position its place in write order (the page cursor)
 * @param sequence its place in the realm's chain; null, as its hashes, until the sealer has chained it
 */
public record AuditRow(
        String id,
        String realmId,
        long position,
        Long sequence,
        long time,
        String type,
        String userId,
        String clientId,
        String ip,
        String target,
        String sessionId,
        String outcome,
        String error,
        String details,
        String prevHash,
        String hash) {

    static final String SELECT =
            "select new dev.multimodal.usermanagement.audit.AuditRow(a.id, a.realmId, a.position, a.sequence,"
                    + " a.time, a.type, a.userId, a.clientId, a.ip, a.target, a.sessionId, a.outcome, a.error, a.details, a.prevHash, a.hash)"
                    + " from AuditEntity a";

    public boolean sealed() {
        return sequence != null;
    }

    /** The chained row as the hash covers it (only for sealed rows). */
    public AuditRecord record() {
        return new AuditRecord(
                id, realmId, sequence, time, type, userId, clientId, ip, target, sessionId, outcome, error, details);
    }
}
