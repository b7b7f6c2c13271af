package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Persists records, unsealed, in the caller's transaction: a committed action has its rows, a rolled-back one none.
 *
 * <p>Nothing is locked and nothing is counted per realm here: each row takes its place in write order from the
 * database sequence UM_AUDIT_POS (the column's default, so the insert is one statement), and writers of one realm
 * never wait for each other. The {@link AuditSealer} chains the committed rows shortly after.
 */
public final class AuditWriter {

    private final EntityManager em;

    public AuditWriter(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public void write(List<AuditRecord> records) {
        for (AuditRecord record : records) {
            em.persist(AuditEntity.of(record));
        }
        em.flush();
    }
}
