package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.Response;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The request limits alone (per client IP, per username), for the steps that guess no password: registration and
 * "forgot password". A lock does not refuse them: a locked user must still be able to reset the password.
 */
public final class RequestLimits {

    private RequestLimits() {}

    /** The step's own config when it has one, else the tenant's (the config of its direct-grant lockout step). */
    static LockoutSettings settings(SettingsCache cache, AuthenticatorConfigModel config, RealmModel realm) {
        return config != null && config.getConfig() != null ? cache.settings(config) : LockoutFlows.settingsOf(realm);
    }

    /**
     * The API's sign-up ({@code POST /auth/register}): the tenant's request limits for the username asked for and
     * the client IP, as on the registration form.
     *
     * @return {@link Decision#ALLOWED}, or the refusal (rate limited, or the store down in {@code closed} mode)
     */
    public static Decision signUp(KeycloakSession session, RealmModel realm, String username) {
        return check(
                LockoutRateLimitAuthenticatorFactory.storeFor(session),
                LockoutFlows.settingsOf(realm),
                realm.getId(),
                AccountKeys.forUnknownName(username),
                session.getContext().getConnection().getRemoteAddr());
    }

    /** Counts the request; refuses only when a rate limit is reached or the store is down in {@code closed} mode. */
    static Decision check(LockoutStore store, LockoutSettings settings, String realmId, String accountKey, String ip) {
        return store.checkLimits(Attempt.of(realmId, accountKey, ip), settings);
    }

    static Response.Status status(Decision refusal) {
        return refusal.verdict() == Decision.Verdict.RATE_LIMITED
                ? Response.Status.TOO_MANY_REQUESTS
                : Response.Status.SERVICE_UNAVAILABLE;
    }

    static FormMessage message(Decision refusal) {
        return refusal.verdict() == Decision.Verdict.RATE_LIMITED
                ? new FormMessage(null, LockoutRateLimitAuthenticator.RATE_LIMITED_MESSAGE, refusal.retryAfterSeconds())
                : new FormMessage(null, LockoutRateLimitAuthenticator.UNAVAILABLE_MESSAGE);
    }

    static String eventError(Decision refusal) {
        return refusal.verdict() == Decision.Verdict.RATE_LIMITED
                ? LockoutRateLimitAuthenticator.EVENT_ERROR_RATE_LIMITED
                : LockoutRateLimitAuthenticator.EVENT_ERROR_STORE_UNAVAILABLE;
    }

    static String decisionName(Decision refusal) {
        return refusal.verdict() == Decision.Verdict.RATE_LIMITED ? "rate_limited" : "unavailable";
    }
}
