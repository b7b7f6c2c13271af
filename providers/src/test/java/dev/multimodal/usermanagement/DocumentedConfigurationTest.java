package dev.multimodal.usermanagement;

import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md and the code say the same: every server option our factories read is documented as
 * {@code --spi-<spi>--<provider>--<key>} and every documented one is read; every variable of the table is read by the
 * run command or the compose file, and every variable the run command reads (other than Keycloak's own) is in the table.
 */
class DocumentedConfigurationTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern OPTION = Pattern.compile("--spi-[a-z0-9-]+");
    /** {@code config.get("key"...)}, {@code config.getInt(SOME_CONSTANT, ...)} in a factory's source */
    private static final Pattern CONFIG_READ = Pattern.compile("config\\.get\\w*\\(\\s*(\"[a-z0-9-]+\"|[A-Z_]+)");

    @Test
    void everyOptionTheFactoriesReadIsDocumentedAndViceVersa() throws Exception {
        Set<String> read = optionsReadByTheFactories();
        Set<String> documented = matches(OPTION, read(ROOT.resolve("docs/configuration.md")));

        assertFalse(read.isEmpty());
        assertEquals(read, documented, "docs/configuration.md and the factories' config reads differ");
        for (String file : new String[] {"README.md", "docs/operations.md", "docs/api.md", "docs/security.md", "run.sh",
                "docker-compose.yml"}) {
            Set<String> stale = matches(OPTION, read(ROOT.resolve(file)));
            stale.removeAll(read);
            assertEquals(Set.of(), stale, file + " names options no factory reads");
        }
    }

    @Test
    void everyVariableOfTheTableIsReadAndEveryVariableTheRunCommandReadsIsInTheTable() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (String line : read(ROOT.resolve("docs/configuration.md")).split("\n")) {
            if (line.startsWith("| `")) {
                documented.addAll(matches(Pattern.compile("`([A-Z][A-Z0-9_]+)`"), line.split("\\|")[1]));
            }
        }
        assertTrue(documented.containsAll(Set.of("HTTP_PORT", "POSTGRES_HOST", "REDIS_URL", "REDIS_PASSWORD")), documented.toString());
        String runCommand = read(ROOT.resolve("run.sh"));
        String compose = read(ROOT.resolve("docker-compose.yml"));
        Set<String> unread = new TreeSet<>();
        for (String variable : documented) {
            if (!Pattern.compile("\\$\\{?" + variable + "\\b").matcher(runCommand + compose).find()) {
                unread.add(variable);
            }
        }
        assertEquals(Set.of(), unread, "documented in docs/configuration.md but read by neither run.sh nor docker-compose.yml");

        Set<String> undocumented = matches(Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+):[-+]"), runCommand);
        undocumented.removeIf(v -> v.startsWith("JAVA_OPTS")); // Keycloak's own, passed through
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "run.sh reads variables docs/configuration.md lacks");
    }

    private static Set<String> optionsReadByTheFactories() throws Exception {
        Map<String, String> spiOfFactoryType = new HashMap<>();
        for (Spi spi : ServiceLoader.load(Spi.class)) {
            // option names spell an SPI in kebab case: eventsListener is --spi-events-listener-...
            spiOfFactoryType.put(spi.getProviderFactoryClass().getName(), spi.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase());
        }
        Set<String> options = new TreeSet<>();
        try (Stream<Path> services = Files.list(Path.of("src/main/resources/META-INF/services"))) {
            for (Path service : services.toList()) {
                String spi = spiOfFactoryType.get(service.getFileName().toString());
                if (spi == null) {
                    continue; // not a factory type (the Spi list itself, protocol mappers' own registry)
                }
                for (String className : Files.readAllLines(service)) {
                    if (className.isBlank() || className.startsWith("#")) {
                        continue;
                    }
                    Class<?> type = Class.forName(className.trim());
                    String id = ((ProviderFactory<?>) type.getDeclaredConstructor().newInstance()).getId();
                    Matcher key = CONFIG_READ.matcher(read(Path.of("src/main/java", className.trim().replace('.', '/') + ".java")));
                    while (key.find()) {
                        String name = key.group(1).startsWith("\"") ? key.group(1).replace("\"", "")
                                : (String) type.getField(key.group(1)).get(null);
                        options.add("--spi-" + spi + "--" + id + "--" + name);
                    }
                }
            }
        }
        return options;
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
        }
        return found;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
