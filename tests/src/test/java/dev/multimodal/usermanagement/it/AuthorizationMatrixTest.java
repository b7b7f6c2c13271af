package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The matrix file itself (no server): every endpoint of the OpenAPI document, every caller, well-formed rows. */
class AuthorizationMatrixTest {

    private final List<AuthorizationMatrix.Row> rows = AuthorizationMatrix.rows();

    @Test
    void everyEndpointHasARowForEveryCaller() {
        Set<String> endpoints = AuthorizationMatrix.documentedEndpoints();
        assertTrue(endpoints.size() >= 36, "ApiCatalog lists only " + endpoints.size() + " operations: " + endpoints);
        Set<String> missing = new TreeSet<>();
        for (String endpoint : endpoints) {
            for (String caller : AuthorizationMatrix.CALLERS) {
                if (rows.stream()
                        .noneMatch(row ->
                                row.endpoint().equals(endpoint) && row.caller().equals(caller))) {
                    missing.add(endpoint + " as " + caller);
                }
            }
        }
        assertEquals(Set.of(), missing, "endpoint x caller cells without a row in " + AuthorizationMatrix.RESOURCE);
    }

    @Test
    void everyRowNamesADocumentedEndpointAKnownCallerAndTargetOnce() {
        Set<String> endpoints = AuthorizationMatrix.documentedEndpoints();
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AuthorizationMatrix.Row row : rows) {
            if (!endpoints.contains(row.endpoint())) {
                wrong.add(row + ": not an endpoint of the API");
            }
            if (!AuthorizationMatrix.CALLERS.contains(row.caller())) {
                wrong.add(row + ": unknown caller");
            }
            if (!AuthorizationMatrix.TARGETS.contains(row.target())) {
                wrong.add(row + ": unknown target");
            }
            if (row.expected() < 200 || row.expected() > 599) {
                wrong.add(row + ": not an HTTP status");
            }
            if (row.caller().equals("anonymous")
                    && row.expected() >= 400
                    && row.expected() != 401
                    && !row.path().startsWith("/auth/")) {
                wrong.add(row + ": an anonymous call of a bearer endpoint is a 401");
            }
            if (!seen.add(row.endpoint() + " " + row.kase() + " " + row.caller() + " " + row.target())) {
                wrong.add(row + ": duplicate");
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Each tenant role and each platform caller is refused somewhere and allowed somewhere: no caller is all-or-nothing. */
    @Test
    void everyCallerIsBothAllowedAndRefusedSomewhere() {
        for (String caller : AuthorizationMatrix.CALLERS) {
            List<AuthorizationMatrix.Row> own =
                    rows.stream().filter(row -> row.caller().equals(caller)).toList();
            assertTrue(own.stream().anyMatch(row -> row.expected() < 300), caller + " is never allowed");
            assertTrue(
                    own.stream()
                            .anyMatch(row -> row.expected() == 401 || row.expected() == 403 || row.expected() == 404),
                    caller + " is never refused");
        }
    }
}
