package dev.multimodal.usermanagement.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authorization matrix of {@code src/test/resources/security/authorization-matrix.tsv}: one row per
 * endpoint, body variant ({@code case}), caller and target, with the expected status. Lines starting with {@code #}
 * are comments; the first other line is the header.
 */
final class AuthorizationMatrix {

    static final String RESOURCE = "/security/authorization-matrix.tsv";
    static final List<String> CALLERS =
            List.of("anonymous", "guest", "user", "moderator", "admin", "tenants-manager", "platform-admin");
    static final Set<String> PLATFORM_CALLERS = Set.of("tenants-manager", "platform-admin");
    static final Set<String> TARGETS =
            Set.of("own", "lower", "higher", "other", "other-id", "master", "master-id", "victim");

    record Row(int line, String method, String path, String kase, String caller, String target, int expected) {

        String endpoint() {
            return method + " " + path;
        }

        @Override
        public String toString() {
            return "line " + line + ": " + endpoint() + (kase.equals("-") ? "" : " [" + kase + "]") + " as " + caller
                    + " on " + target;
        }
    }

    private AuthorizationMatrix() {}

    static List<Row> rows() {
        try (InputStream in = AuthorizationMatrix.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        boolean header = true;
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                if (!line.equals("method\tpath\tcase\tcaller\ttarget\texpected")) {
                    throw new IllegalArgumentException("unexpected header: " + line);
                }
                header = false;
                continue;
            }
            String[] cells = line.split("\t");
            if (cells.length != 6) {
                throw new IllegalArgumentException(
                        "line " + (i + 1) + " has " + cells.length + " cells, not 6: " + line);
            }
            rows.add(new Row(i + 1, cells[0], cells[1], cells[2], cells[3], cells[4], Integer.parseInt(cells[5])));
        }
        return rows;
    }

    /**
     * Every endpoint of the API as {@code METHOD /path}: the operations of {@code ApiCatalog}, from which
     * {@code GET /openapi.json} is built (and which {@code OpenApiIT} keeps equal to the JAX-RS resources).
     */
    static Set<String> documentedEndpoints() {
        Path catalog = Path.of(
                System.getProperty("project.root", ".."),
                "providers/src/main/java/dev/multimodal/usermanagement/api/openapi/ApiCatalog.java");
        try {
            Matcher operation = Pattern.compile("add\\(\\s*\"((?:GET|POST|PUT|DELETE|PATCH) /[^\"]*)\"")
                    .matcher(Files.readString(catalog));
            Set<String> endpoints = new LinkedHashSet<>();
            while (operation.find()) {
                endpoints.add(operation.group(1));
            }
            return endpoints;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
