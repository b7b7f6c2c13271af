package dev.multimodal.usermanagement.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine here: read the Dockerfile's stages and keep them in step with the pom, the run command and the docs
 * (Keycloak's "customized and optimized container image": jars and build options in a builder, start --optimized).
 */
class DockerfileTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    /** One stage: its FROM line's image and name, and its instructions. */
    record Stage(String image, String name, List<String> instructions) {
        String run() {
            return instructions.stream()
                    .filter(i -> i.startsWith("RUN "))
                    .findFirst()
                    .orElse("");
        }

        boolean has(String instruction) {
            return instructions.contains(instruction);
        }
    }

    @Test
    void threeStagesJarsThenAKeycloakBuildThenTheOptimizedImage() throws IOException {
        List<Stage> stages = stages();
        assertEquals(
                List.of("jars", "builder", ""), stages.stream().map(Stage::name).toList());
        assertTrue(
                stages.get(0).image().startsWith("maven:")
                        && stages.get(0).image().contains("17"),
                stages.get(0).image());
        assertEquals(
                "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}", stages.get(1).image());
        assertEquals(
                "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}", stages.get(2).image());
        assertTrue(
                read("Dockerfile").contains("\nARG KEYCLOAK_VERSION=" + keycloakVersion() + "\n"),
                "the base image's version is the pom's keycloak.version");

        assertTrue(
                stages.get(0).run().endsWith(" " + mavenCommandOfTheRunCommand()),
                "the jars are built as ./run.sh builds them");
        assertTrue(
                stages.get(1)
                        .has(
                                "COPY --from=jars /src/providers/target/*.jar /src/themes/target/*.jar /opt/keycloak/providers/"),
                "the builder installs what an operator copies: " + stages.get(1));
        assertTrue(
                stages.get(1).run().startsWith("RUN /opt/keycloak/bin/kc.sh build "),
                stages.get(1).run());
        assertTrue(
                stages.get(2).has("COPY --from=builder /opt/keycloak/ /opt/keycloak/"),
                stages.get(2).toString());
        assertTrue(
                stages.get(2).has("COPY realm-config/import/ /opt/keycloak/data/import/"),
                stages.get(2).toString());
        assertTrue(
                stages.get(2).has("CMD [\"start\", \"--optimized\", \"--import-realm\"]"),
                stages.get(2).toString());
    }

    @Test
    void buildOptionsAreTheRunCommandsOnPostgres() throws IOException {
        Set<String> image = new TreeSet<>(Arrays.asList(stages().get(1)
                .run()
                .replace("RUN /opt/keycloak/bin/kc.sh build ", "")
                .split(" ")));

        String runCommand = read("run.sh");
        Set<String> onPostgres = new TreeSet<>(options(runCommand, "build_options=\\(([^)]*)\\)"));
        Matcher postgres = Pattern.compile("POSTGRES_HOST:-}\" ]; then\\s+build_options\\+=\\(([^)]*)\\)")
                .matcher(runCommand);
        assertTrue(postgres.find(), "run.sh's build options on Postgres");
        onPostgres.addAll(Arrays.asList(postgres.group(1).trim().split("\\s+")));

        assertEquals(onPostgres, image);
    }

    @Test
    void theDocsNameTheOneCommand() throws IOException {
        assertTrue(read("docs/operations.md").contains("docker compose up --build"));
        assertTrue(read("docker-compose.yml").contains("docker compose up --build"));
        assertTrue(read(".dockerignore").contains("**/target/"), "stale local jars must not reach the Maven stage");
    }

    private static List<Stage> stages() throws IOException {
        List<Stage> stages = new ArrayList<>();
        // one instruction per line: continuation lines joined, comments dropped
        for (String line : read("Dockerfile").replaceAll("\\\\\n\\s*", "").split("\n")) {
            String instruction = line.trim();
            if (instruction.isEmpty() || instruction.startsWith("#")) {
                continue;
            }
            Matcher from = Pattern.compile("FROM (\\S+)(?: AS (\\S+))?").matcher(instruction);
            if (from.matches()) {
                stages.add(new Stage(from.group(1), from.group(2) == null ? "" : from.group(2), new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).instructions().add(instruction);
            }
        }
        return stages;
    }

    private static String mavenCommandOfTheRunCommand() throws IOException {
        Matcher mvn = Pattern.compile("\n(mvn -B [^\\\\\n]*)").matcher(read("run.sh"));
        assertTrue(mvn.find(), "run.sh's Maven command");
        return mvn.group(1).trim();
    }

    private static List<String> options(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertTrue(matcher.find(), regex);
        return Arrays.asList(matcher.group(1).trim().split("\\s+"));
    }

    static String keycloakVersion() throws IOException {
        Matcher version =
                Pattern.compile("<keycloak.version>(.+)</keycloak.version>").matcher(read("pom.xml"));
        assertTrue(version.find());
        return version.group(1);
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }
}
