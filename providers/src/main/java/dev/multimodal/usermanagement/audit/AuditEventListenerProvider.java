package dev.multimodal.usermanagement.audit;

import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Buffers the session's events and writes them in the session's own transaction: sealed into the chain in the
 * prepare phase (see {@link AuditWriter}), logged after a successful commit. Keycloak sends error events (failed
 * logins) through a session of their own that commits at once, so those are recorded even though the request
 * itself rolls back; success events come through the request's session and share its fate.
 */
public class AuditEventListenerProvider implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(AuditEventListenerProvider.class);

    private final KeycloakSession session;
    private final List<AuditRecord> pending = new ArrayList<>();
    private List<AuditEntity> written = List.of();
    private boolean enlisted;
    private boolean sealed;

    public AuditEventListenerProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getRealmId() != null && event.getType() != null) {
            add(AuditEvents.of(event));
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getRealmId() != null) {
            add(AuditEvents.of(event, includeRepresentation, this::clientIdOf));
        }
    }

    private void add(AuditRecord record) {
        KeycloakTransactionManager transaction = session.getTransactionManager();
        if (sealed || !transaction.isActive()) {
            // Outside a transaction, or after this one was sealed: a transaction of its own.
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), inner -> {
                List<AuditEntity> rows = new AuditWriter(inner).write(new ArrayList<>(List.of(record)));
                inner.getTransactionManager().enlistAfterCompletion(afterCommit(rows));
            });
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
                    sealed = true;
                    if (!pending.isEmpty()) {
                        try {
                            written = new AuditWriter(session).write(new ArrayList<>(pending));
                        } catch (RuntimeException e) {
                            // Failing here fails the commit: an action without its audit row never commits.
                            AuditMetrics.failed(pending.size());
                            LOG.errorf(e, "Audit rows not written, the action is rolled back: %d", pending.size());
                            throw e;
                        } finally {
                            pending.clear();
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
                    AuditMetrics.written(written.size());
                    written.forEach(AuditLogLine::log);
                }

                @Override
                protected void rollbackImpl() {
                    if (!written.isEmpty()) {
                        AuditMetrics.failed(written.size());
                        LOG.warnf("Audit rows not committed (the action's commit failed): %d", written.size());
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

    private static AbstractKeycloakTransaction afterCommit(List<AuditEntity> rows) {
        return new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                AuditMetrics.written(rows.size());
                rows.forEach(AuditLogLine::log);
            }

            @Override
            protected void rollbackImpl() {
            }
        };
    }

    @Override
    public void close() {
    }
}
