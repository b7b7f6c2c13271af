package dev.multimodal.usermanagement.api.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multimodal.usermanagement.api.ApiResource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

    private final JsonNode document = OpenApiDocument.build(ApiResource.class, "test");

    @Test
    void everyEndpointOfTheCodeIsDescribed() {
        List<String> undocumented = new ArrayList<>();
        document.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
                    if (operation.getValue().path("x-undocumented").asBoolean()) {
                        undocumented.add(operation.getKey().toUpperCase() + " " + path.getKey());
                    }
                }));
        assertEquals(List.of(), undocumented, "add these to ApiCatalog");
    }

    @Test
    void everyDescribedEndpointExistsInTheCode() {
        List<String> stale = new ArrayList<>();
        ApiCatalog.OPERATIONS.keySet().forEach(key -> {
            String[] verbAndPath = key.split(" ", 2);
            if (document.path("paths")
                    .path(verbAndPath[1])
                    .path(verbAndPath[0].toLowerCase())
                    .isMissingNode()) {
                stale.add(key);
            }
        });
        assertEquals(List.of(), stale, "ApiCatalog describes endpoints the code lacks");
    }

    @Test
    void schemasUseTheWireNames() {
        JsonNode tokens =
                document.path("components").path("schemas").path("Tokens").path("properties");
        assertTrue(tokens.has("access_token") && tokens.has("refresh_expires_in"), tokens.toString());
        JsonNode adminView = document.path("components")
                .path("schemas")
                .path("AdminUserView")
                .path("properties");
        assertTrue(
                adminView.has("username") && adminView.has("lock"),
                "the profile is unwrapped beside the lock: " + adminView);
        assertTrue(document.path("components").path("securitySchemes").has("bearer"));
    }
}
