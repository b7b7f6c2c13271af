package dev.multimodal.usermanagement.lockout;

import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;

/**
 * A completed password reset or change ends the user's lock: the event listener {@code lockout} clears the store
 * once the transaction that set the password has committed (a rolled-back change unlocks nothing).
 */
public class LockoutEventListenerProvider implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(LockoutEventListenerProvider.class);

    private final KeycloakSession session;

    LockoutEventListenerProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        String userId = PasswordResetUnlocks.userOf(event);
        if (userId != null && event.getRealmId() != null) {
            unlockAfterCommit(session, event.getRealmId(), userId);
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String userId = PasswordResetUnlocks.userOf(event);
        if (userId != null && event.getRealmId() != null) {
            unlockAfterCommit(session, event.getRealmId(), userId);
        }
    }

    /** Clears the user's lock when the session's transaction commits (at once without a transaction). Idempotent. */
    public static void unlockAfterCommit(KeycloakSession session, String realmId, String userId) {
        KeycloakTransactionManager transaction = session.getTransactionManager();
        if (!transaction.isActive()) {
            unlock(session, realmId, userId);
            return;
        }
        transaction.enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                unlock(session, realmId, userId);
            }

            @Override
            protected void rollbackImpl() {}
        });
    }

    private static void unlock(KeycloakSession session, String realmId, String userId) {
        try {
            if (LockoutRateLimitAuthenticatorFactory.storeFor(session).unlock(realmId, AccountKeys.forUser(userId))) {
                LOG.infof("Lockout: user %s unlocked by a password reset", userId);
            }
        } catch (LockoutStoreException e) {
            LOG.warnf(
                    "Lockout: user %s reset the password but the store is unreachable; the lock runs out by itself",
                    userId);
        }
    }

    @Override
    public void close() {}
}
