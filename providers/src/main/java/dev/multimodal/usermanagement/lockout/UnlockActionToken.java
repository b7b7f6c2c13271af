package dev.multimodal.usermanagement.lockout;

import org.keycloak.authentication.actiontoken.DefaultActionToken;

import java.util.UUID;

/**
 * The one-time link of the lockout e-mail: a Keycloak action token (signed with the realm's keys) naming the
 * locked user; it expires when the lock would have ended.
 */
public class UnlockActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "um-unlock-account";

    public UnlockActionToken(String userId, int absoluteExpirationInSecs) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
    }

    /** For deserialization. */
    private UnlockActionToken() {
    }
}
