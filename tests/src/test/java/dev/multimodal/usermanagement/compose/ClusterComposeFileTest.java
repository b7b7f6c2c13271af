package dev.multimodal.usermanagement.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The clustered compose file, validated with docker-compose's own parser (no Docker engine here): two Keycloak nodes
 * of one jdbc-ping cluster, reachable only through the proxy, which they trust for client IPs.
 */
class ClusterComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));
    private static final Path FILE = ROOT.resolve("docker-compose.cluster.yml");

    @Test
    void twoKeycloakNodesOfOneClusterBehindAProxyThatTheyTrustAlone() throws Exception {
        Process process = new ProcessBuilder("docker-compose", "-f", FILE.toString(), "config")
                .redirectErrorStream(true)
                .start();
        String config = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "docker-compose config rejected the file:\n" + config);

        for (String service : new String[] {"keycloak-1", "keycloak-2"}) {
            String node = service(config, service);
            assertTrue(node.contains("KC_CACHE: ispn") && node.contains("KC_CACHE_STACK: jdbc-ping"), node);
            assertTrue(
                    node.contains("KC_PROXY_HEADERS: xforwarded")
                            && node.contains("KC_PROXY_TRUSTED_ADDRESSES: 172.28.0.10"),
                    node);
            assertTrue(node.contains("KC_DB_URL: jdbc:postgresql://postgres:5432/keycloak"), node);
            assertTrue(node.contains("KC_SPI_REDIS__DEFAULT__URL: redis://redis:6379/0"), node);
            assertTrue(node.contains("image: user-management-keycloak:latest") && node.contains("--optimized"), node);
            assertFalse(node.contains("ports:"), "a node is reached through the proxy only:\n" + node);
        }
        String proxy = service(config, "proxy");
        assertTrue(proxy.contains("ipv4_address: 172.28.0.10") && proxy.contains("8080"), proxy);
        assertEquals(5, count(config, "healthcheck:"), "every service needs a health check:\n" + config);

        String nginx = Files.readString(ROOT.resolve("deploy/compose/nginx.conf"));
        assertTrue(nginx.contains("server keycloak-1:8080") && nginx.contains("server keycloak-2:8080"), nginx);
        assertTrue(
                nginx.contains("proxy_set_header X-Forwarded-For $remote_addr;"),
                "the proxy replaces a client's X-Forwarded-For instead of appending to it");
    }

    @Test
    void everyVariableOfTheFileIsDocumented() throws IOException {
        String compose = Files.readString(FILE);
        String docs = Files.readString(ROOT.resolve("docs/configuration.md"))
                + Files.readString(ROOT.resolve("docs/operations.md"));
        TreeSet<String> missing = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(compose);
        while (variable.find()) {
            if (!docs.contains("`" + variable.group(1) + "`")) {
                missing.add(variable.group(1));
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md lacks " + missing);
    }

    /** A service's block of {@code docker-compose config}'s output (services are indented two spaces). */
    private static String service(String config, String name) {
        Matcher block = Pattern.compile("(?ms)^  " + Pattern.quote(name) + ":\n(.*?)(?=^  \\S|^\\S)")
                .matcher(config);
        assertTrue(block.find(), name + " missing:\n" + config);
        return block.group(1);
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }
}
