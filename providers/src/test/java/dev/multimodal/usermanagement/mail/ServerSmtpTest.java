package dev.multimodal.usermanagement.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

class ServerSmtpTest {

    private static final String PREFIX = "test.server-smtp.";

    @AfterEach
    void clear() {
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(PREFIX))
                .forEach(System::clearProperty);
    }

    private static ServerSmtp configured(Map<String, String> options) {
        options.forEach((key, value) -> System.setProperty(PREFIX + key, value));
        return ServerSmtp.from(new Config.SystemPropertiesScope(PREFIX));
    }

    @Test
    void noHostIsNoServerSmtp() {
        assertSame(ServerSmtp.NONE, configured(Map.of("host", " ", "port", "2525", "user", "u")));
        assertFalse(ServerSmtp.NONE.configured());
    }

    @Test
    void becomesARealmsSmtpSettingsWithDefaults() {
        ServerSmtp smtp = configured(Map.of("host", "mail.example", "starttls", "true"));
        assertEquals(
                Map.of(
                        "host",
                        "mail.example",
                        "port",
                        "25",
                        "from",
                        ServerSmtp.DEFAULT_FROM,
                        "starttls",
                        "true",
                        "ssl",
                        "false",
                        "auth",
                        "false"),
                smtp.realmConfig());
    }

    @Test
    void aUserMeansAuthenticationAndThePasswordStaysOutOfToString() {
        ServerSmtp smtp = configured(Map.of(
                "host",
                "mail.example",
                "port",
                "587",
                "from",
                "id@example.com",
                "user",
                "mailer",
                "password",
                "s3cret-pw"));
        assertEquals("true", smtp.realmConfig().get("auth"));
        assertEquals("s3cret-pw", smtp.realmConfig().get("password"));
        assertEquals("mail.example:587 from id@example.com as mailer", smtp.toString());
        assertFalse(smtp.toString().contains("s3cret"));
    }

    @Test
    void theFingerprintIgnoresOrderAndLeavesThePasswordOut() {
        assertEquals(
                ServerSmtp.fingerprint(Map.of("host", "a", "port", "1")),
                ServerSmtp.fingerprint(Map.of("port", "1", "host", "a")));
        assertNotEquals(ServerSmtp.fingerprint(Map.of("host", "a")), ServerSmtp.fingerprint(Map.of("host", "b")));
        assertEquals(
                ServerSmtp.fingerprint(Map.of("host", "a", "password", "x")),
                ServerSmtp.fingerprint(Map.of("host", "a", "password", "y")),
                "a realm's attributes hold no hash of the password");
        assertEquals(ServerSmtp.NONE.fingerprint(), ServerSmtp.fingerprint(null));
        assertTrue(ServerSmtp.fingerprint(Map.of()).matches("[0-9a-f]{64}"));
    }

    @Test
    void theStartUpPassSeesAPasswordChange() {
        String before = configured(Map.of("host", "mail.example", "user", "u", "password", "one"))
                .passFingerprint();
        String after = configured(Map.of("host", "mail.example", "user", "u", "password", "two"))
                .passFingerprint();
        assertNotEquals(before, after);
    }
}
