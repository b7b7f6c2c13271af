package dev.multimodal.usermanagement.compose;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No Docker engine here: validate docker-compose.yml with docker-compose's own parser and keep it in step with the README. */
class DockerComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    void composeFileIsValidAndWiresKeycloakPostgresAndRedisWithHealthChecks() throws Exception {
        Process process = new ProcessBuilder("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(), "config")
                .redirectErrorStream(true).start();
        String config = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "docker-compose config rejected the file:\n" + config);

        assertTrue(config.contains("image: quay.io/keycloak/keycloak:" + keycloakVersion()), config);
        assertTrue(config.contains("image: postgres:16"), config);
        assertTrue(config.contains("image: redis:7"), config);
        assertTrue(config.contains("image: axllent/mailpit"), config);
        assertEquals(4, count(config, "healthcheck:"), "every service needs a health check:\n" + config);
        assertTrue(config.contains("KC_SPI_EMAIL_SENDER__PLATFORM__HOST: mailpit"), "mail goes to the catcher by default:\n" + config);
        assertTrue(config.contains("KC_SPI_REDIS__DEFAULT__URL: redis://redis:6379/0"), config);
        assertTrue(config.contains("KC_DB_URL: jdbc:postgresql://postgres:5432/keycloak"), config);
        assertTrue(config.contains("/opt/keycloak/providers/user-management-providers.jar"), config);
    }

    @Test
    void everyVariableOfTheComposeFileIsInTheReadme() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        String readme = Files.readString(ROOT.resolve("docs/configuration.md")) + Files.readString(ROOT.resolve("docs/operations.md"));
        TreeSet<String> missing = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(compose);
        while (variable.find()) {
            if (!readme.contains("`" + variable.group(1) + "`")) {
                missing.add(variable.group(1));
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md lacks " + missing);
    }

    private static String keycloakVersion() throws IOException {
        Matcher version = Pattern.compile("<keycloak.version>(.+)</keycloak.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(version.find());
        return version.group(1);
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }
}
