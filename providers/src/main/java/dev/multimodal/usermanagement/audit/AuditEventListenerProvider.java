package dev.multimodal.usermanagement.audit;

import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Buffers the session's recorded events (see {@link AuditEventTypes}) and writes them in the session's own transaction,
 * in its prepare phase, unsealed (see {@link AuditWriter}); the {@link AuditSealer} chains and logs them after the
 * commit. Keycloak sends error events (failed logins) through a session of their own that commits at once, so those
 * are recorded even though the request itself rolls back; success events come through the request's session and
 * share its fate. The frequent reads (token refresh, userinfo, validation, introspection) are handed to the
 * {@link AuditWriteBehind} queue once the request commits, instead of costing it a write.
 */
public class AuditEventListenerProvider implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(AuditEventListenerProvider.class);

    private final KeycloakSession session;
    private final AuditWriteBehind writeBehind;
    private final List<AuditRecord> pending = new ArrayList<>();
    private final List<AuditRecord> reads = new ArrayList<>();
    private boolean enlisted;
    private boolean readsEnlisted;
    private boolean written;

    /** @param writeBehind null: every row in its request's transaction (option {@code write-behind=false}) */
    public AuditEventListenerProvider(KeycloakSession session, AuditWriteBehind writeBehind) {
        this.session = session;
        this.writeBehind = writeBehind;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getRealmId() != null
                && event.getType() != null
                && AuditEventTypes.recorded(realm(event.getRealmId()), event.getType())) {
            if (writeBehind != null && AuditWriteBehind.writtenBehind(event.getType())) {
                addRead(AuditEvents.of(event));
            } else {
                add(AuditEvents.of(event));
            }
        }
    }

    /** A frequent read's row: queued when the request commits (see {@link AuditWriteBehind}), nothing if it rolls back. */
    private void addRead(AuditRecord record) {
        KeycloakTransactionManager transaction = session.getTransactionManager();
        if (!transaction.isActive()) {
            queueOrWrite(List.of(record));
            return;
        }
        reads.add(record);
        if (!readsEnlisted) {
            readsEnlisted = true;
            transaction.enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    queueOrWrite(List.copyOf(reads));
                    reads.clear();
                }

                @Override
                protected void rollbackImpl() {
                    reads.clear();
                }
            });
        }
    }

    /** Into the write-behind queue, or, when it is full, in a transaction of their own now. */
    private void queueOrWrite(List<AuditRecord> records) {
        if (!writeBehind.offer(records)) {
            KeycloakModelUtils.runJobInTransaction(
                    session.getKeycloakSessionFactory(), inner -> new AuditWriter(inner).write(records));
            AuditMetrics.written(records.size());
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getRealmId() != null && AuditEventTypes.adminEventRecorded(session, realm(event.getRealmId()))) {
            add(AuditEvents.of(event, includeRepresentation, this::clientIdOf));
        }
    }

    private RealmModel realm(String realmId) {
        RealmModel current = session.getContext().getRealm();
        return current != null && current.getId().equals(realmId)
                ? current
                : session.realms().getRealm(realmId);
    }

    private void add(AuditRecord record) {
        KeycloakTransactionManager transaction = session.getTransactionManager();
        if (written || !transaction.isActive()) {
            // Outside a transaction, or after this one's rows were written: a transaction of its own.
            KeycloakModelUtils.runJobInTransaction(
                    session.getKeycloakSessionFactory(), inner -> new AuditWriter(inner).write(List.of(record)));
            AuditMetrics.written(1);
            return;
        }
        pending.add(record);
        if (!enlisted) {
            enlisted = true;
            // Take the entity manager now, so its transaction is enlisted before the commit begins.
            session.getProvider(JpaConnectionProvider.class).getEntityManager();
            transaction.enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    written = true;
                    if (!pending.isEmpty()) {
                        try {
                            new AuditWriter(session).write(pending);
                        } catch (RuntimeException e) {
                            // Failing here fails the commit: an action without its audit row never commits.
                            AuditMetrics.failed(pending.size());
                            LOG.errorf(e, "Audit rows not written, the action is rolled back: %d", pending.size());
                            pending.clear();
                            throw e;
                        }
                    }
                }

                @Override
                protected void rollbackImpl() {
                    pending.clear();
                }
            });
            transaction.enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    AuditMetrics.written(pending.size());
                    pending.clear();
                }

                @Override
                protected void rollbackImpl() {
                    if (!pending.isEmpty()) {
                        AuditMetrics.failed(pending.size());
                        LOG.warnf("Audit rows not committed (the action's commit failed): %d", pending.size());
                        pending.clear();
                    }
                }
            });
        }
    }

    /** Admin events name the acting client by its internal id; the log shows its clientId, as user events do. */
    private String clientIdOf(AuthDetails auth) {
        if (auth.getClientId() == null || auth.getRealmId() == null) {
            return auth.getClientId();
        }
        try {
            RealmModel realm = session.realms().getRealm(auth.getRealmId());
            ClientModel client = realm == null ? null : session.clients().getClientById(realm, auth.getClientId());
            return client == null ? auth.getClientId() : client.getClientId();
        } catch (RuntimeException e) {
            return auth.getClientId();
        }
    }

    @Override
    public void close() {}
}
