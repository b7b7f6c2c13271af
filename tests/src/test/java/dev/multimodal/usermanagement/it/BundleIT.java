package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The release zip of {@code mvn package}: what docs/operations.md tells an operator to unpack and copy. */
class BundleIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root"));

    @Test
    void theZipHoldsTheDeployableJarsRealmConfigDocsAndChangelogInOneFolder() throws IOException {
        Path zip;
        try (var files = Files.list(ROOT.resolve("bundle/target"))) {
            zip = files.filter(p -> p.getFileName().toString().matches("user-management-.+\\.zip"))
                    .findFirst()
                    .orElseThrow();
        }
        String folder = zip.getFileName().toString().replace(".zip", "") + "/";
        try (ZipFile bundle = new ZipFile(zip.toFile())) {
            Set<String> entries = new TreeSet<>();
            bundle.stream().filter(e -> !e.isDirectory()).forEach(e -> entries.add(e.getName()));

            assertTrue(entries.stream().allMatch(name -> name.startsWith(folder)), entries.toString());
            Set<String> providers = new TreeSet<>();
            entries.stream()
                    .filter(name -> name.startsWith(folder + "providers/"))
                    .forEach(providers::add);
            assertEquals(
                    Set.of(
                            folder + "providers/user-management-providers.jar",
                            folder + "providers/user-management-themes.jar"),
                    providers,
                    "only deployable jars");
            assertSameBytes(
                    bundle,
                    folder + "providers/user-management-providers.jar",
                    "providers/target/user-management-providers.jar");
            assertSameBytes(
                    bundle,
                    folder + "providers/user-management-themes.jar",
                    "themes/target/user-management-themes.jar");
            for (String file : new String[] {
                "README.md",
                "CHANGELOG.md",
                "docker-compose.yml",
                "Dockerfile",
                "realm-config/tenant-template.json",
                "realm-config/import/demo-realm.json",
                "docs/operations.md",
                "docs/configuration.md"
            }) {
                assertSameBytes(bundle, folder + file, file);
            }
        }
    }

    private static void assertSameBytes(ZipFile bundle, String entry, String file) throws IOException {
        ZipEntry zipped = bundle.getEntry(entry);
        assertTrue(zipped != null, "the bundle lacks " + entry);
        assertArrayEquals(
                Files.readAllBytes(ROOT.resolve(file)),
                bundle.getInputStream(zipped).readAllBytes(),
                entry);
    }
}
