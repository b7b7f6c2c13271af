package dev.multimodal.usermanagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * docs/configuration.md and the code say the same: every server option our factories read is documented as
 * {@code --spi-<spi>--<provider>--<key>} and every documented one is read; every variable of the table is read by the
 * run command or the compose file, and every variable the run command reads (other than Keycloak's own) is in the table.
 */
class DocumentedConfigurationTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern OPTION = Pattern.compile("--spi-[a-z0-9-]+");
    /** Options without which a factory reads no more: Redis' URL, the server's SMTP host and user. */
    private static final Map<String, String> SWITCHES =
            Map.of("url", "redis://localhost:6379/0", "host", "smtp.example", "user", "mailer");

    @Test
    void everyOptionTheFactoriesReadIsDocumentedAndViceVersa() throws Exception {
        Set<String> read = optionsReadByTheFactories();
        Set<String> documented = matches(OPTION, read(ROOT.resolve("docs/configuration.md")));
        documented.removeAll(keycloakProviderChoices(documented));

        assertFalse(read.isEmpty());
        assertEquals(read, documented, "docs/configuration.md and the factories' config reads differ");
        for (String file : new String[] {
            "README.md", "docs/operations.md", "docs/api.md", "docs/security.md", "run.sh", "docker-compose.yml"
        }) {
            Set<String> stale = matches(OPTION, read(ROOT.resolve(file)));
            stale.removeAll(read);
            stale.removeAll(keycloakProviderChoices(stale));
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
        assertTrue(
                documented.containsAll(Set.of("HTTP_PORT", "POSTGRES_HOST", "REDIS_URL", "REDIS_PASSWORD")),
                documented.toString());
        String runCommand = read(ROOT.resolve("run.sh"));
        String compose = read(ROOT.resolve("docker-compose.yml"));
        Set<String> unread = new TreeSet<>();
        for (String variable : documented) {
            if (!Pattern.compile("\\$\\{?" + variable + "\\b")
                    .matcher(runCommand + compose)
                    .find()) {
                unread.add(variable);
            }
        }
        assertEquals(
                Set.of(),
                unread,
                "documented in docs/configuration.md but read by neither run.sh nor docker-compose.yml");

        Set<String> undocumented = matches(Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+):[-+]"), runCommand);
        undocumented.removeIf(v -> v.startsWith("JAVA_OPTS")); // Keycloak's own, passed through
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "run.sh reads variables docs/configuration.md lacks");
    }

    /** Every key our factories ask their {@code Config.Scope} for in {@code init}, as the server option that sets it. */
    private static Set<String> optionsReadByTheFactories() throws Exception {
        Map<String, String> spiOfFactoryType = new HashMap<>();
        for (Spi spi : ServiceLoader.load(Spi.class)) {
            // option names spell an SPI in kebab case: eventsListener is --spi-events-listener-...
            spiOfFactoryType.put(
                    spi.getProviderFactoryClass().getName(),
                    spi.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase());
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
                    ProviderFactory<?> factory = (ProviderFactory<?>) Class.forName(className.trim())
                            .getDeclaredConstructor()
                            .newInstance();
                    // twice: unconfigured, then with the options that switch a feature on and make it read the rest
                    for (Map<String, String> given : List.of(Map.<String, String>of(), SWITCHES)) {
                        RecordingScope scope = new RecordingScope(given);
                        factory.init(scope);
                        scope.keys.forEach(key -> options.add("--spi-" + spi + "--" + factory.getId() + "--" + key));
                    }
                }
            }
        }
        return options;
    }

    /** Keycloak's own choice of a provider, {@code --spi-<spi>--provider}: documented where ours is the default. */
    private static Set<String> keycloakProviderChoices(Set<String> options) {
        Set<String> choices = new TreeSet<>();
        options.stream()
                .filter(option -> option.matches("--spi-[a-z-]+?--provider"))
                .forEach(choices::add);
        return choices;
    }

    /** Answers every read with the given value or its default, and remembers the keys asked for. */
    private static final class RecordingScope implements Config.Scope {
        final Set<String> keys = new TreeSet<>();
        final Map<String, String> given;

        RecordingScope(Map<String, String> given) {
            this.given = given;
        }

        @Override
        public String get(String key) {
            return get(key, null);
        }

        @Override
        public String get(String key, String defaultValue) {
            keys.add(key);
            return given.getOrDefault(key, defaultValue);
        }

        @Override
        public String[] getArray(String key) {
            keys.add(key);
            return null;
        }

        @Override
        public Integer getInt(String key) {
            return getInt(key, null);
        }

        @Override
        public Integer getInt(String key, Integer defaultValue) {
            keys.add(key);
            return defaultValue;
        }

        @Override
        public Long getLong(String key) {
            return getLong(key, null);
        }

        @Override
        public Long getLong(String key, Long defaultValue) {
            keys.add(key);
            return defaultValue;
        }

        @Override
        public Boolean getBoolean(String key) {
            return getBoolean(key, null);
        }

        @Override
        public Boolean getBoolean(String key, Boolean defaultValue) {
            keys.add(key);
            return defaultValue;
        }

        @Override
        public Config.Scope scope(String... scope) {
            return this;
        }

        @Override
        public Config.Scope root() {
            return this;
        }

        @Override
        public Set<String> getPropertyNames() {
            return Set.of();
        }
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
