package dev.multimodal.usermanagement.lockout;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.function.BooleanSupplier;

/**
 * Password checks outside the login flow (changing a password) count like login attempts: the same lock, the
 * same limits, so a stolen token or a known username cannot be used to guess passwords without limit.
 */
public final class PasswordGuesses {

    private PasswordGuesses() {
    }

    /** The store's refusal when the guess may not even be checked, else whether the password matched. */
    public record Outcome(Decision refusal, boolean matched) {
    }

    public static Outcome check(KeycloakSession session, RealmModel realm, UserModel user, BooleanSupplier passwordMatches) {
        LockoutStore store = LockoutRateLimitAuthenticatorFactory.storeFor(session);
        LockoutSettings settings = LockoutFlows.settingsOf(realm);
        Attempt attempt = Attempt.of(realm.getId(), AccountKeys.forUser(user.getId()),
                session.getContext().getConnection().getRemoteAddr());
        Decision decision = store.check(attempt, settings);
        if (!decision.allowed()) {
            return new Outcome(decision, false);
        }
        boolean matched;
        try {
            matched = passwordMatches.getAsBoolean();
        } catch (RuntimeException e) {
            store.release(attempt);
            throw e;
        }
        if (matched) {
            store.recordSuccess(attempt, settings);
        } else {
            Decision failure = store.recordFailure(attempt, settings);
            if (failure.verdict() == Decision.Verdict.LOCKED) {
                LockoutEvents.locked(session, realm, user, user.getUsername(), failure, attempt.id(), settings);
            }
        }
        return new Outcome(null, matched);
    }
}
