package dev.multimodal.usermanagement.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Removes secrets from what goes into the audit log: fields whose name says password, secret, credential,
 * private key or salt, fields ending in token or assertion (with a text value), and the {@code value} of credential representations
 * (objects with {@code type} and {@code value}, as sent to reset-password). A representation that is not JSON
 * is dropped whole, since nothing proves it harmless.
 */
public final class SecretScrubber {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECRET_NAMES = List.of(
            "password",
            "secret",
            "credential",
            "privatekey",
            "private_key",
            "salt",
            "hashedsaltedvalue",
            "code_verifier");
    private static final List<String> TOKEN_NAMES = List.of("token", "assertion");

    private SecretScrubber() {}

    public static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT).replace("-", "");
        for (String secret : SECRET_NAMES) {
            if (lower.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTokenName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return TOKEN_NAMES.stream().anyMatch(lower::endsWith);
    }

    /** The representation without secrets, as a JSON tree; null when there is none or it is not JSON. */
    public static JsonNode representation(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode tree = JSON.readTree(json);
            return tree == null ? null : scrub(tree);
        } catch (Exception notJson) {
            return null;
        }
    }

    /** Scrubs a JSON tree in place and returns it. */
    public static JsonNode scrub(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("type") && object.has("value")) {
                object.remove("value");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (isSecretName(field.getKey())
                        || (isTokenName(field.getKey()) && field.getValue().isTextual())) {
                    fields.remove();
                } else {
                    scrub(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(SecretScrubber::scrub);
        }
        return node;
    }

    /** Event details (a flat map) without secrets. */
    public static ObjectNode details(Map<String, String> details) {
        ObjectNode out = JSON.createObjectNode();
        if (details != null) {
            details.forEach((key, value) -> {
                if (key != null && !isSecretName(key) && !isTokenName(key)) {
                    out.put(key, value);
                }
            });
        }
        return out;
    }
}
