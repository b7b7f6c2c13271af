package dev.multimodal.usermanagement.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The one Keycloak of a test run: the real distribution with our jars, on a fresh Postgres database and
 * a test-owned Redis. Started on first use, stopped when the JUnit launcher session closes.
 */
public final class KeycloakServer {

    /** 4 minutes; more on a loaded machine with -Dit.keycloak.start-timeout-seconds=N. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("it.keycloak.start-timeout-seconds", 240));
    private static KeycloakServer instance;

    private final Path home = Path.of(System.getProperty("keycloak.home"));
    private final File log = new File(System.getProperty("keycloak.log"));
    private final TestDatabase database = TestDatabase.fromSystemProperties();
    private final ManagedRedis redis;
    private final int httpPort = freePort();
    private final int managementPort = freePort();
    private Process process;

    private KeycloakServer() {
        redis = new ManagedRedis(freePort(), new File(log.getParentFile(), "redis.log"));
    }

    public static synchronized KeycloakServer get() {
        if (instance == null) {
            KeycloakServer server = new KeycloakServer();
            server.start();
            instance = server;
        }
        return instance;
    }

    static synchronized void stopIfStarted() {
        if (instance != null) {
            instance.stop();
            instance = null;
        }
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public String apiUrl(String realm) {
        return baseUrl() + "/realms/" + realm + "/api/v1";
    }

    /** Keycloak's management interface: /health, /metrics. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public ManagedRedis redis() {
        return redis;
    }

    public TestDatabase database() {
        return database;
    }

    public String log() {
        try {
            return Files.readString(log.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        long started = System.nanoTime();
        redis.start();
        database.recreate();
        installJarsAndRealms();
        List<String> buildOptions = List.of("--db=postgres", "--cache=local", "--health-enabled=true", "--metrics-enabled=true");
        buildIfChanged(buildOptions);

        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-port=" + httpPort, "--https-port=" + freePort(),
                "--http-management-port=" + managementPort, "--hostname-strict=false", "--import-realm",
                "--db-url=" + database.jdbcUrl(), "--db-username=" + database.user(), "--db-password=" + database.password(),
                "--spi-redis--default--url=" + redis.url()));
        System.out.printf("[it] starting Keycloak on port %d (log: %s)%n", httpPort, log);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        Wait.until("Keycloak to be ready (see " + log + ")", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            return ready();
        });
        System.out.printf("[it] Keycloak ready after %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
        lengthenPlatformTokens();
    }

    /**
     * Test classes fetch a platform admin token once; master's 60 s lifespan runs out mid-class on a loaded machine
     * (2 cores shared by several runs), so platform tokens of the test server live 15 minutes.
     */
    private void lengthenPlatformTokens() {
        Http.Reply reply = Http.put(baseUrl() + "/admin/realms/master", Tokens.platformAdmin(this),
                java.util.Map.of("realm", "master", "accessTokenLifespan", 900));
        if (reply.status() != 204) {
            throw new IllegalStateException("master token lifespan not set: " + reply.status() + " " + reply.raw().body());
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void installJarsAndRealms() {
        try {
            Files.createDirectories(log.getParentFile().toPath());
            Files.deleteIfExists(log.toPath());
            // copy only what changed: Keycloak refuses to start optimized when a provider jar is newer than its build
            for (String jar : List.of(System.getProperty("providers.jar"), System.getProperty("themes.jar"))) {
                Path source = Path.of(jar);
                Path target = home.resolve("providers").resolve(source.getFileName());
                if (!Files.exists(target) || Files.mismatch(source, target) != -1) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (Stream<Path> stale = Files.list(imports)) {
                for (Path file : stale.toList()) {
                    Files.delete(file);
                }
            }
            try (Stream<Path> realms = Files.list(Path.of(System.getProperty("realm.config.dir")))) {
                for (Path realm : realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Augmentation takes ~40 s: skip it when neither the jars nor the build options changed since the last run. */
    private void buildIfChanged(List<String> buildOptions) {
        Path marker = home.resolve(".um-build");
        String fingerprint = fingerprint(buildOptions);
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(fingerprint)) {
                System.out.println("[it] providers unchanged: reusing the last Keycloak build");
                return;
            }
            System.out.println("[it] kc.sh build " + String.join(" ", buildOptions) + " (about 40 s)");
            List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "build"));
            command.addAll(buildOptions);
            Process build = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("kc.sh build failed; see " + log);
            }
            Files.writeString(marker, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String fingerprint(List<String> buildOptions) {
        try (Stream<Path> jars = Files.list(home.resolve("providers"))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.join(" ", buildOptions).getBytes(StandardCharsets.UTF_8));
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                digest.update(Files.readAllBytes(jar));
                // Keycloak also refuses a jar that is newer than its build, even with the same content
                digest.update(Long.toString(Files.getLastModifiedTime(jar).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
