package dev.multimodal.usermanagement.api.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The endpoint table of docs/api.md and the OpenAPI catalog (itself checked against the code) list the same endpoints. */
class DocumentedEndpointsTest {

    /** Swagger UI's static files: an implementation detail of GET /docs */
    private static final Set<String> NOT_IN_THE_TABLE = Set.of("GET /docs/{file}");

    @Test
    void theEndpointTableOfTheDocsIsTheCatalog() throws IOException {
        Set<String> documented = endpointTable(Files.readString(Path.of("../docs/api.md")));
        Set<String> catalog = new TreeSet<>(ApiCatalog.OPERATIONS.keySet());
        catalog.removeAll(NOT_IN_THE_TABLE);

        assertEquals(catalog, documented, "docs/api.md's endpoint table and ApiCatalog differ");
    }

    /** First cells of the table, e.g. {@code `GET`, `PUT /users/me`} or {@code `GET /a`, `DELETE /a/{id}`}. */
    static Set<String> endpointTable(String markdown) {
        Set<String> endpoints = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            if (!line.matches("\\| `(GET|POST|PUT|DELETE|PATCH)\\b.*")) {
                continue;
            }
            Matcher item = Pattern.compile("`([A-Z]+)(?: (/[^`?]*))?[^`]*`").matcher(line.split("\\|")[1]);
            Set<String> verbsWaitingForAPath = new TreeSet<>();
            while (item.find()) {
                verbsWaitingForAPath.add(item.group(1));
                if (item.group(2) != null) {
                    verbsWaitingForAPath.forEach(verb -> endpoints.add(verb + " " + item.group(2)));
                    verbsWaitingForAPath.clear();
                }
            }
        }
        return endpoints;
    }
}
