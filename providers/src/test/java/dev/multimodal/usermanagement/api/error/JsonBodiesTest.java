package dev.multimodal.usermanagement.api.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {

    record Body(
            @JsonProperty("max_failures") Integer maxFailures,
            @JsonProperty("registration_allowed") Boolean registrationAllowed,
            @JsonProperty("name") String name) {}

    @Test
    void readsFieldsOfTheirOwnType() {
        Body body = JsonBodies.parse(
                bytes("{\"max_failures\": 5, \"registration_allowed\": true, \"name\": \"x\"}"), Body.class);
        assertEquals(5, body.maxFailures());
        assertTrue(body.registrationAllowed());
        assertEquals("x", body.name());
    }

    @Test
    void refusesEveryCoercion() {
        for (String json : new String[] {
            "{\"max_failures\": \"5\"}",
            "{\"max_failures\": 5.0}",
            "{\"max_failures\": true}",
            "{\"registration_allowed\": 1}",
            "{\"registration_allowed\": \"true\"}",
            "{\"name\": 5}",
            "{\"name\": false}",
            "{\"name\": 1.5}",
            "{\"max_failures\": \"\"}"
        }) {
            ApiProblem problem = assertThrows(ApiProblem.class, () -> JsonBodies.parse(bytes(json), Body.class), json);
            assertEquals(400, problem.status(), json);
        }
    }

    @Test
    void refusesDuplicateKeysTrailingTokensAndInvalidUtf8() {
        assertEquals(
                400,
                assertThrows(
                                ApiProblem.class,
                                () -> JsonBodies.parse(bytes("{\"name\":\"a\",\"name\":\"b\"}"), Body.class))
                        .status());
        assertEquals(
                400,
                assertThrows(ApiProblem.class, () -> JsonBodies.parse(bytes("{} {}"), Body.class))
                        .status());
        byte[] invalid = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(
                400,
                assertThrows(ApiProblem.class, () -> JsonBodies.parse(invalid, Body.class))
                        .status());
    }

    @Test
    void acceptsOnlyJsonInUtf8() {
        assertTrue(JsonBodies.isUtf8Json(new MediaType("application", "json")));
        assertTrue(JsonBodies.isUtf8Json(new MediaType("application", "json", Map.of("charset", "UTF-8"))));
        assertTrue(JsonBodies.isUtf8Json(new MediaType("application", "merge-patch+json")));
        assertFalse(JsonBodies.isUtf8Json(null));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("*", "*")));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("application", "*")));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("application", "json", Map.of("charset", "latin1"))));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("text", "json")));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("application", "+json")));
        assertFalse(JsonBodies.isUtf8Json(new MediaType("multipart", "form-data")));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
