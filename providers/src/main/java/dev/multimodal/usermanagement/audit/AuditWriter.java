package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Persists records, unsealed, in the caller's transaction: a committed action has its rows, a rolled-back one none.
 *
 * <p>Nothing is locked and nothing is counted per realm here: each row takes its place in write order from the
 * database sequence UM_AUDIT_POS (the column's default), and writers of one realm never wait for each other. The
 * {@link AuditSealer} chains the committed rows shortly after. The rows go in as one multi-row INSERT per
 * {@value #ROWS_PER_STATEMENT} (one round trip, whatever the batch of the write-behind queue holds).
 */
public final class AuditWriter {

    static final int ROWS_PER_STATEMENT = 500;
    private static final String INSERT = "INSERT INTO UM_AUDIT (ID, REALM_ID, EVENT_TIME, TYPE, USER_ID, CLIENT_ID,"
            + " IP_ADDRESS, TARGET, SESSION_ID, OUTCOME, ERROR, DETAILS) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int COLUMNS = 12;

    private final EntityManager em;

    public AuditWriter(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public void write(List<AuditRecord> records) {
        for (int from = 0; from < records.size(); from += ROWS_PER_STATEMENT) {
            insert(records.subList(from, Math.min(records.size(), from + ROWS_PER_STATEMENT)));
        }
    }

    private void insert(List<AuditRecord> rows) {
        StringBuilder sql = new StringBuilder(INSERT.length() + rows.size() * (ROW.length() + 2)).append(INSERT);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ROW);
        }
        Query insert = em.createNativeQuery(sql.toString());
        int parameter = 1;
        for (AuditRecord r : rows) {
            Object[] values = {
                r.id(),
                r.realmId(),
                r.time(),
                r.type(),
                r.userId(),
                r.clientId(),
                r.ip(),
                r.target(),
                r.sessionId(),
                r.outcome(),
                r.error(),
                r.details()
            };
            for (int column = 0; column < COLUMNS; column++) {
                insert.setParameter(parameter++, values[column]);
            }
        }
        insert.executeUpdate();
    }
}
