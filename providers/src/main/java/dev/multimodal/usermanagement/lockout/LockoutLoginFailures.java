package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserLoginFailureProvider;
import org.keycloak.representations.idm.ErrorRepresentation;
import org.keycloak.services.ErrorResponseException;

/**
 * Keycloak's login-failure records as its admin console and admin REST API read and clear them
 * ({@code /attack-detection/brute-force/users}). In a realm guarded by the lockout step they are the step's store:
 * a user's record shows the lock and failures the step counted, and removing it (the console's unlock, one user or
 * all) ends the lock. Keycloak's own records stay in its provider, which also serves every other realm. When the
 * store cannot be reached, an unlock answers 503 with {@code Retry-After} and the request changes nothing.
 */
final class LockoutLoginFailures implements UserLoginFailureProvider {

    private final KeycloakSession session;
    private final UserLoginFailureProvider keycloak;

    LockoutLoginFailures(KeycloakSession session, UserLoginFailureProvider keycloak) {
        this.session = session;
        this.keycloak = keycloak;
    }

    @Override
    public UserLoginFailureModel getUserLoginFailure(RealmModel realm, String userId) {
        if (!LockoutFlows.usesLockoutStep(realm)) {
            return keycloak.getUserLoginFailure(realm, userId);
        }
        LockoutSettings settings = LockoutFlows.settingsOf(realm);
        LockState state = store().lockState(realm.getId(), AccountKeys.forUser(userId), settings);
        if (state.known() && !state.locked() && state.recentFailures() == 0 && state.consecutiveLocks() == 0) {
            return keycloak.getUserLoginFailure(realm, userId);
        }
        if (!state.known()) {
            // the store cannot answer: never "no record", or the console's unlock would skip the removal that
            // tells it so (Keycloak removes only a record it found)
            UserLoginFailureModel keycloakRecord = keycloak.getUserLoginFailure(realm, userId);
            if (keycloakRecord != null) {
                return keycloakRecord;
            }
        }
        return new LockoutFailureRecord(realm.getId(), userId, state, settings, Instant.now());
    }

    @Override
    public UserLoginFailureModel addUserLoginFailure(RealmModel realm, String userId) {
        return keycloak.addUserLoginFailure(realm, userId);
    }

    @Override
    public void removeUserLoginFailure(RealmModel realm, String userId) {
        if (LockoutFlows.usesLockoutStep(realm)) {
            try {
                store().unlock(realm.getId(), AccountKeys.forUser(userId));
            } catch (LockoutStoreException e) {
                throw storeUnavailable();
            }
        }
        keycloak.removeUserLoginFailure(realm, userId);
    }

    /** Also when the realm is removed: its locks go with it. */
    @Override
    public void removeAllUserLoginFailures(RealmModel realm) {
        try {
            store().unlockAll(realm.getId());
        } catch (LockoutStoreException e) {
            throw storeUnavailable();
        }
        keycloak.removeAllUserLoginFailures(realm);
    }

    /** In the admin REST API's own error shape, which the console shows; the request's transaction rolls back. */
    private static ErrorResponseException storeUnavailable() {
        ErrorRepresentation error = new ErrorRepresentation();
        error.setErrorMessage("The lockout store cannot be reached; nothing was unlocked. Try again in a few seconds.");
        return new ErrorResponseException(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", Decision.UNAVAILABLE.retryAfterSeconds())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(error)
                .build());
    }

    @Override
    public void updateWithLatestRealmSettings(RealmModel realm) {
        keycloak.updateWithLatestRealmSettings(realm);
    }

    private LockoutStore store() {
        return LockoutRateLimitAuthenticatorFactory.storeFor(session);
    }

    @Override
    public void close() {
        // the session closes Keycloak's provider itself
    }

    /**
     * A read-only record of the step's state in Keycloak's terms. The step forgets the failures that set a lock, so
     * while locked {@code numFailures} is the threshold they reached; the last failure is when the lock began, and
     * the step keeps no client addresses.
     */
    record LockoutFailureRecord(String realmId, String userId, LockState state, LockoutSettings settings, Instant now)
            implements UserLoginFailureModel {

        @Override
        public String getId() {
            return realmId + ":" + userId;
        }

        @Override
        public String getUserId() {
            return userId;
        }

        @Override
        public int getFailedLoginNotBefore() {
            return state.locked()
                    ? (int) now.plus(state.remaining()).plusMillis(999).getEpochSecond()
                    : 0;
        }

        @Override
        public int getNumFailures() {
            return state.locked() ? Math.max(state.recentFailures(), settings.maxFailures()) : state.recentFailures();
        }

        @Override
        public int getNumTemporaryLockouts() {
            return state.consecutiveLocks();
        }

        @Override
        public long getLastFailure() {
            if (!state.locked() || state.consecutiveLocks() == 0) {
                return 0;
            }
            Duration lock = settings.lockDuration(state.consecutiveLocks());
            return now.plus(state.remaining()).minus(lock).toEpochMilli();
        }

        @Override
        public String getLastIPFailure() {
            return "n/a";
        }

        @Override
        public int getNumSecondaryAuthFailures() {
            return 0;
        }

        // Keycloak's own detection writes through these; it does not count in a realm guarded by the step

        @Override
        public void setFailedLoginNotBefore(int notBefore) {}

        @Override
        public void incrementFailures() {}

        @Override
        public void incrementTemporaryLockouts() {}

        @Override
        public void clearFailures() {}

        @Override
        public void setLastFailure(long lastFailure) {}

        @Override
        public void setLastIPFailure(String ip) {}

        @Override
        public void incrementSecondaryAuthFailures() {}

        @Override
        public void clearPrimaryAndSecondaryAuthFailures() {}
    }
}
