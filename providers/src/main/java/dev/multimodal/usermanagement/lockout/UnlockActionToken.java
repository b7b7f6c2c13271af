package dev.multimodal.usermanagement.lockout;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * The one-time link of the lockout e-mail: a Keycloak action token (signed with the realm's keys) naming the
 * locked user and the lock it was sent for; it expires when the lock would have ended.
 */
public class UnlockActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "um-unlock-account";

    /** The lock's id in the lockout store: a later lock of the same user has another, which this link cannot end. */
    @JsonProperty("um_lock")
    private String lockId;

    public UnlockActionToken(String userId, int absoluteExpirationInSecs, String lockId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
        this.lockId = lockId;
    }

    /** For deserialization. */
    private UnlockActionToken() {}

    public String getLockId() {
        return lockId;
    }
}
