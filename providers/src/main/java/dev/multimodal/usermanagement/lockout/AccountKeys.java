package dev.multimodal.usermanagement.lockout;

import java.util.Locale;

/**
 * Whom an attempt counts against. A known user is keyed by id, so logging in by username and by e-mail
 * share one failure count; an unknown name is keyed by its normalized form, so guessing names is counted
 * (and answered) like guessing passwords.
 */
public final class AccountKeys {

    private AccountKeys() {}

    public static String forUser(String userId) {
        return "id:" + userId;
    }

    public static String forUnknownName(String username) {
        return "name:" + normalize(username);
    }

    /** Keycloak stores usernames and e-mails lower-cased; surrounding spaces are not part of a name. */
    public static String normalize(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }
}
