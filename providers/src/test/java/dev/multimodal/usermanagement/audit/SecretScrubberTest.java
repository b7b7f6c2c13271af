package dev.multimodal.usermanagement.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {

    @Test
    void userRepresentationLosesItsCredentials() {
        JsonNode rep = SecretScrubber.representation("{\"username\":\"alice\",\"email\":\"a@x.io\",\"enabled\":true,"
                + "\"credentials\":[{\"type\":\"password\",\"value\":\"S3cret-Pass!\",\"temporary\":false}]}");
        assertEquals("alice", rep.path("username").asText());
        assertTrue(rep.path("enabled").asBoolean());
        assertFalse(rep.has("credentials"));
        assertFalse(rep.toString().contains("S3cret-Pass!"));
    }

    @Test
    void credentialRepresentationLosesItsValue() {
        JsonNode rep =
                SecretScrubber.representation("{\"type\":\"password\",\"value\":\"S3cret-Pass!\",\"temporary\":true}");
        assertEquals("password", rep.path("type").asText());
        assertTrue(rep.path("temporary").asBoolean());
        assertFalse(rep.toString().contains("S3cret-Pass!"));
    }

    @Test
    void clientSecretsAndKeysAndTokensAreDropped() {
        JsonNode rep = SecretScrubber.representation(
                "{\"clientId\":\"app\",\"secret\":\"abc\",\"registrationAccessToken\":\"tok\","
                        + "\"attributes\":{\"client.secret.creation.time\":\"1\",\"saml.signing.private.key\":\"k\"},"
                        + "\"config\":{\"privateKey\":[\"MIIE\"],\"bindCredential\":[\"ldap-pw\"],\"keystorePassword\":\"ks\"},"
                        + "\"accessTokenLifespan\":300}");
        String text = rep.toString();
        assertEquals("app", rep.path("clientId").asText());
        assertEquals(300, rep.path("accessTokenLifespan").asInt());
        for (String secret : new String[] {"abc", "tok", "MIIE", "ldap-pw", "\"ks\"", "client.secret"}) {
            assertFalse(text.contains(secret), secret + " in " + text);
        }
    }

    @Test
    void representationThatIsNotJsonIsDropped() {
        assertNull(SecretScrubber.representation("password=hunter2"));
        assertNull(SecretScrubber.representation(null));
    }

    @Test
    void eventDetailsLoseSecretKeys() {
        JsonNode details = SecretScrubber.details(Map.of(
                "username",
                "alice",
                "password",
                "pw",
                "refresh_token",
                "rt",
                "token_id",
                "tid",
                "auth_method",
                "openid-connect"));
        assertEquals("alice", details.path("username").asText());
        assertEquals("tid", details.path("token_id").asText());
        assertFalse(details.has("password"));
        assertFalse(details.has("refresh_token"));
    }
}
