package dev.multimodal.usermanagement.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.keycloak.Config;

/**
 * The server's SMTP settings (options {@code --spi-email-sender--platform--host|port|from|user|password|starttls|ssl};
 * the run command and the compose file set them from {@code SMTP_*}), in the form of a realm's SMTP settings
 * ("Realm settings → Email"). Not configured when the host is empty. {@link #toString()} leaves the password out.
 */
record ServerSmtp(Map<String, String> realmConfig) {

    static final ServerSmtp NONE = new ServerSmtp(Map.of());
    static final String DEFAULT_FROM = "noreply@localhost";

    static ServerSmtp from(Config.Scope config) {
        String host = value(config, "host");
        if (host == null) {
            return NONE;
        }
        Map<String, String> smtp = new TreeMap<>();
        smtp.put("host", host);
        smtp.put("port", value(config, "port") == null ? "25" : value(config, "port"));
        smtp.put("from", value(config, "from") == null ? DEFAULT_FROM : value(config, "from"));
        smtp.put("starttls", String.valueOf(Boolean.parseBoolean(value(config, "starttls"))));
        smtp.put("ssl", String.valueOf(Boolean.parseBoolean(value(config, "ssl"))));
        String user = value(config, "user");
        smtp.put("auth", String.valueOf(user != null));
        if (user != null) {
            smtp.put("user", user);
            smtp.put("password", value(config, "password") == null ? "" : value(config, "password"));
        }
        return new ServerSmtp(Map.copyOf(smtp));
    }

    boolean configured() {
        return !realmConfig.isEmpty();
    }

    /** What a realm remembers of the settings put there: {@link #fingerprint(Map)}. */
    String fingerprint() {
        return fingerprint(realmConfig);
    }

    /** The start-up pass's memory (on the platform realm): every value, the password included. */
    String passFingerprint() {
        return sha256(realmConfig);
    }

    /**
     * SHA-256 of the settings in key order, without the password: a realm's admins may read its attributes, and
     * must not get a hash of the SMTP password to guess at.
     */
    static String fingerprint(Map<String, String> smtp) {
        Map<String, String> withoutPassword = new TreeMap<>(smtp == null ? Map.of() : smtp);
        withoutPassword.remove("password");
        return sha256(withoutPassword);
    }

    private static String sha256(Map<String, String> smtp) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(smtp)
                .forEach((key, value) ->
                        text.append(key).append('=').append(value).append('\n'));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(Config.Scope config, String key) {
        String value = config.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        return configured()
                ? realmConfig.get("host") + ":" + realmConfig.get("port") + " from " + realmConfig.get("from")
                        + (realmConfig.containsKey("user") ? " as " + realmConfig.get("user") : "")
                : "none";
    }
}
