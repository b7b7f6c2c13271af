package dev.multimodal.usermanagement.lockout;

import dev.multimodal.usermanagement.user.UserAccounts;
import java.util.function.BooleanSupplier;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Password checks outside the login flow (changing a password) count like login attempts: the same lock, the
 * same limits, so a stolen token or a known username cannot be used to guess passwords without limit. Like the
 * direct-grant step, every guess the store lets through or refuses as locked costs exactly one password hash,
 * whether the account exists or not, so neither the answer nor its timing tells.
 */
public final class PasswordGuesses {

    /**
     * The store's realm key for every {@code tenant_id} that names no enabled tenant: one set of counters with the
     * default settings (no tenant admin can configure a tenant that does not exist; the platform realm is no tenant).
     */
    static final String UNKNOWN_TENANT = "unknown-tenant";

    private PasswordGuesses() {}

    /** The store's refusal when the guess may not even be checked, else whether the password matched. */
    public record Outcome(Decision refusal, boolean matched) {}

    /** A guess of a signed-in user's own password. */
    public static Outcome check(
            KeycloakSession session, RealmModel realm, UserModel user, BooleanSupplier passwordMatches) {
        return guess(
                session,
                realm,
                user,
                user.getUsername(),
                passwordMatches,
                () -> new UserAccounts(session, realm).hashOnce(null));
    }

    /**
     * A guess of the password of {@code loginName} in {@code realm}: {@code user} is the account it names, or null.
     * An unknown name is counted under its own key, as in the direct-grant step; an unknown, disabled or locked
     * account costs one hash as a wrong password does.
     */
    public static Outcome check(
            KeycloakSession session, RealmModel realm, UserModel user, String loginName, String password) {
        UserAccounts accounts = new UserAccounts(session, realm);
        return guess(
                session,
                realm,
                user,
                loginName,
                () -> accounts.passwordMatches(user, password),
                () -> accounts.hashOnce(password));
    }

    /**
     * A guess for a {@code tenant_id} that names no enabled tenant: counted and limited like an unknown name (per
     * name and per client IP, default settings, under {@link #UNKNOWN_TENANT}), and one hash with the policy of
     * {@code hashRealm} (the realm of the request's URL), as a real check costs.
     */
    public static Outcome checkUnknownTenant(
            KeycloakSession session, RealmModel hashRealm, String loginName, String password) {
        LockoutStore store = LockoutRateLimitAuthenticatorFactory.storeFor(session);
        Attempt attempt = Attempt.of(
                UNKNOWN_TENANT,
                AccountKeys.forUnknownName(loginName),
                session.getContext().getConnection().getRemoteAddr());
        Decision decision = store.check(attempt, LockoutSettings.DEFAULTS);
        if (!decision.allowed() && decision.verdict() != Decision.Verdict.LOCKED) {
            return new Outcome(decision, false);
        }
        new UserAccounts(session, hashRealm).hashOnce(password);
        if (!decision.allowed()) {
            return new Outcome(decision, false);
        }
        store.recordFailure(attempt, LockoutSettings.DEFAULTS);
        return new Outcome(null, false);
    }

    private static Outcome guess(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            String loginName,
            BooleanSupplier passwordMatches,
            Runnable hashOnce) {
        LockoutStore store = LockoutRateLimitAuthenticatorFactory.storeFor(session);
        LockoutSettings settings = LockoutFlows.settingsOf(realm);
        String accountKey = user != null ? AccountKeys.forUser(user.getId()) : AccountKeys.forUnknownName(loginName);
        Attempt attempt = Attempt.of(
                realm.getId(), accountKey, session.getContext().getConnection().getRemoteAddr());
        Decision decision = store.check(attempt, settings);
        if (!decision.allowed()) {
            if (decision.verdict() == Decision.Verdict.LOCKED) {
                hashOnce.run(); // a locked account answers in the time a wrong password takes
            }
            return new Outcome(decision, false);
        }
        boolean eligible = user != null && user.isEnabled() && user.getServiceAccountClientLink() == null;
        boolean matched;
        try {
            if (eligible) {
                matched = passwordMatches.getAsBoolean();
            } else {
                hashOnce.run(); // unknown or disabled: the cost of a check, and a failure like a wrong password
                matched = false;
            }
        } catch (RuntimeException e) {
            store.release(attempt);
            throw e;
        }
        if (matched) {
            store.recordSuccess(attempt, settings);
        } else {
            Decision failure = store.recordFailure(attempt, settings);
            if (failure.verdict() == Decision.Verdict.LOCKED) {
                LockoutEvents.locked(session, realm, user, loginName, failure, attempt.id(), settings);
            }
        }
        return new Outcome(null, matched);
    }
}
