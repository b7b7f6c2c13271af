package dev.multimodal.usermanagement.lockout;

import java.util.Objects;
import java.util.UUID;

/**
 * One login attempt.
 *
 * @param realmId    the realm's id (stable across renames)
 * @param accountKey whom the attempt targets: {@link AccountKeys} makes it from the user id, or from the normalized
 *                   username when no such user exists, so unknown names are counted like real ones
 * @param ip         the client address as Keycloak sees it (honouring its proxy settings)
 * @param id         unique per attempt: names its failure reservation
 */
public record Attempt(String realmId, String accountKey, String ip, String id) {

    public Attempt {
        Objects.requireNonNull(realmId, "realmId");
        Objects.requireNonNull(accountKey, "accountKey");
        ip = ip == null || ip.isBlank() ? "unknown" : ip;
        Objects.requireNonNull(id, "id");
    }

    public static Attempt of(String realmId, String accountKey, String ip) {
        return new Attempt(realmId, accountKey, ip, UUID.randomUUID().toString());
    }
}
