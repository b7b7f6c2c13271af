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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one Keycloak of a test run: the real distribution with our jars, on a fresh Postgres database and
 * a test-owned Redis. Started on first use, stopped when the JUnit launcher session closes.
 *
 * <p>Tests of several nodes start more with {@link #startNode}: the same distribution and database, their own ports
 * and log, stopped by the test with {@link #close()}.
 *
 * <p>Every node is a node of a Keycloak cluster, as in production ({@code --cache=ispn} is Keycloak's default): its
 * JGroups (Infinispan's transport) bound to 127.0.0.1 on a port of its own, finding the other nodes of its database
 * through that database ({@code jdbc-ping}, Keycloak's default stack). Nodes on one database form one cluster: its
 * caches are invalidated cluster-wide. {@link #startCluster} starts nodes and waits until they have all joined.
 */
public final class KeycloakServer implements AutoCloseable {

    /**
     * Generous: on the shared 2-core build machine a first start (schema creation) has taken over 4 minutes, and over
     * 10 while other builds ran beside it ({@code -Dit.start.timeout.minutes=25} there).
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(Long.getLong("it.start.timeout.minutes", 8));
    /** Infinispan's ISPN000093/94 line of each new cluster view: {@code ... for channel ISPN: [coordinator|id] (members) [...]} */
    private static final Pattern CLUSTER_VIEW =
            Pattern.compile("cluster view for channel \\S+: \\[\\S+\\|\\d+] \\((\\d+)\\)");

    private static KeycloakServer instance;
    public static final int AUDIT_PURGE_INTERVAL_SECONDS = 5;
    public static final int AUDIT_CHECKPOINT_INTERVAL_SECONDS = 2;

    private final Path home = Path.of(System.getProperty("keycloak.home"));
    private final File log;
    private final TestDatabase database;
    private final ManagedRedis redis;
    private final int httpPort = freePort();
    private final int managementPort = freePort();
    private Process process;
    private long spawnedAt;
    private List<String> launchedRedisOptions;
    private Coverage coverage;
    /** JGroups' port on 127.0.0.1 (its failure detection picks one of its own) */
    private final int clusterPort = freePort();
    /** false: no --hostname, so links take their host from each request (only to test that our mails refuse that) */
    private boolean publicHostname = true;
    /** The public URL (--hostname) when it is another node's: the nodes of a cluster are one deployment at one address */
    private String sharedPublicUrl;

    private KeycloakServer() {
        log = new File(System.getProperty("keycloak.log"));
        database = TestDatabase.fromSystemProperties();
        redis = new ManagedRedis(freePort(), new File(log.getParentFile(), "redis.log"));
    }

    private KeycloakServer(KeycloakServer first, String name, TestDatabase database) {
        log = new File(first.log.getParentFile(), "keycloak-" + name + ".log");
        this.database = database;
        redis = first.redis;
    }

    public static synchronized KeycloakServer get() {
        if (instance == null) {
            KeycloakServer server = new KeycloakServer();
            try {
                server.start();
                server.lengthenPlatformTokens();
            } catch (RuntimeException | AssertionError e) {
                server.stop(); // the next test class starts afresh, not beside a half-started server
                throw e;
            }
            instance = server;
        }
        return instance;
    }

    /**
     * The master realm's access tokens live 60 s; test classes keep one platform token for all their tests, which on
     * a busy machine outlive it. An hour is the test set-up's choice, not something a test checks.
     */
    private void lengthenPlatformTokens() {
        Http.Reply updated = Http.put(
                baseUrl() + "/admin/realms/master",
                Tokens.platformAdmin(this),
                java.util.Map.of("accessTokenLifespan", 3600));
        if (updated.status() != 204) {
            throw new IllegalStateException("master realm token lifespan not set: " + updated.status() + " "
                    + updated.raw().body());
        }
    }

    /**
     * Another node beside {@link #get()}'s: the same build, database and (unless {@code redisOptions} name another)
     * Redis, its own ports and log ({@code keycloak-<name>.log}); on the same database it joins the first node's cluster.
     *
     * @param redisOptions the node's {@code --spi-redis--...} options; empty: the first node's Redis
     */
    public static KeycloakServer startNode(String name, List<String> redisOptions) {
        return startNode(name, redisOptions, get().database, true);
    }

    /** @param publicHostname false: a node started without {@code --hostname} ({@code --hostname-strict=false}) */
    public static KeycloakServer startNode(String name, List<String> redisOptions, boolean publicHostname) {
        return startNode(name, redisOptions, get().database, publicHostname);
    }

    /**
     * A node as {@link #startNode(String, List)} on another database, e.g. one on a Postgres the test owns and stops.
     * An empty database gets Keycloak's schema and the bootstrap admin {@code admin}/{@code admin} (no imported realms).
     */
    public static KeycloakServer startNode(String name, List<String> redisOptions, TestDatabase database) {
        return startNode(name, redisOptions, database, true);
    }

    private static KeycloakServer startNode(
            String name, List<String> redisOptions, TestDatabase database, boolean publicHostname) {
        KeycloakServer node = new KeycloakServer(get(), name, database);
        node.publicHostname = publicHostname;
        node.deleteLog();
        Runtime.getRuntime().addShutdownHook(new Thread(node::stopProcess));
        try {
            node.launch(
                    redisOptions.isEmpty() ? List.of("--spi-redis--default--url=" + node.redis.url()) : redisOptions,
                    false);
        } catch (RuntimeException | AssertionError e) {
            node.stopProcess(); // a node that did not come up is not left running beside the next test
            throw e;
        }
        return node;
    }

    /**
     * Nodes that join the first node's cluster ({@link #get()}'s; the same database and Redis, and its public URL, so
     * tokens of one node are valid on all), started at once; returns the first node and them, once every one is ready
     * and its cluster view has them all.
     */
    public static List<KeycloakServer> startCluster(String... names) {
        KeycloakServer first = get();
        List<KeycloakServer> nodes = new ArrayList<>(List.of(first));
        try {
            for (String name : names) {
                KeycloakServer node = new KeycloakServer(first, name, first.database);
                node.sharedPublicUrl = first.baseUrl(); // its tokens' issuer, as behind one proxy
                node.deleteLog();
                Runtime.getRuntime().addShutdownHook(new Thread(node::stopProcess));
                nodes.add(node);
                node.spawn(List.of("--spi-redis--default--url=" + first.redis.url()), false);
            }
            for (KeycloakServer node : nodes.subList(1, nodes.size())) {
                node.awaitReady();
            }
            for (KeycloakServer node : nodes) {
                node.awaitClusterView(nodes.size());
            }
        } catch (RuntimeException | AssertionError e) {
            nodes.stream().filter(node -> node != first).forEach(KeycloakServer::stopProcess);
            throw e;
        }
        return nodes;
    }

    /** Waits until this cluster node's latest view has {@code members} nodes (after a start, a join or a node's death). */
    public void awaitClusterView(int members) {
        Wait.until(members + " members in the cluster view of " + log, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            Matcher views = CLUSTER_VIEW.matcher(log());
            int latest = 0;
            while (views.find()) {
                latest = Integer.parseInt(views.group(1));
            }
            return latest == members;
        });
    }

    /** Stops a node from {@link #startNode} (the first node stops with the test run); its Redis is the caller's. */
    @Override
    public void close() {
        if (this == instance) {
            throw new IllegalStateException("the first node stops with the test run");
        }
        stopProcess();
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

    /** The address in links and token issuers: this node's own, or for a cluster node the first node's. */
    private String publicUrl() {
        return sharedPublicUrl != null ? sharedPublicUrl : baseUrl();
    }

    public String apiUrl(String realm) {
        return baseUrl() + "/realms/" + realm + "/api/v1";
    }

    /** Keycloak's management interface: /health, /metrics. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    /** The development mailbox's folder (realms without SMTP settings, no server SMTP). */
    public Path devMailDir() {
        return log.getParentFile().toPath().resolve("dev-mail");
    }

    public ManagedRedis redis() {
        return redis;
    }

    public TestDatabase database() {
        return database;
    }

    private void deleteLog() {
        try {
            Files.deleteIfExists(log.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        List<String> buildOptions = List.of("--db=postgres", "--health-enabled=true", "--metrics-enabled=true");
        buildIfChanged(buildOptions);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        launch(List.of("--spi-redis--default--url=" + redis.url()), true);
        System.out.printf(
                "[it] Keycloak ready after %d s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Kills Keycloak at once with SIGKILL (no shutdown, no commit of anything in flight), as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            coverage.collect(); // a killed JVM writes nothing itself
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts Keycloak again after {@link #kill()}: same ports, same options, same database and Redis. */
    public synchronized void restart() {
        kill();
        launch(launchedRedisOptions, false);
    }

    private void launch(List<String> redisOptions, boolean importRealms) {
        spawn(redisOptions, importRealms);
        awaitReady();
    }

    private void spawn(List<String> redisOptions, boolean importRealms) {
        launchedRedisOptions = redisOptions;
        spawnedAt = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(
                "bash",
                home.resolve("bin/kc.sh").toString(),
                "start",
                "--optimized",
                "--http-enabled=true",
                "--http-port=" + httpPort,
                "--https-port=" + freePort(),
                "--http-management-port=" + managementPort,
                publicHostname
                        ? "--hostname=" + publicUrl()
                        : "--hostname-strict=false", // links never follow a request's Host
                "--db-url=" + database.jdbcUrl(),
                "--db-username=" + database.user(),
                "--db-password=" + database.password(),
                // the audit retention purge every 5 s instead of hourly, so a test can watch it run; checkpoints every
                // 2 s instead of every minute (the key: generated into the data folder, as for the embedded run)
                "--spi-events-listener--audit--purge-interval=" + AUDIT_PURGE_INTERVAL_SECONDS,
                "--spi-events-listener--audit--checkpoint-interval=" + AUDIT_CHECKPOINT_INTERVAL_SECONDS,
                // as the run command without SMTP: mails of realms without SMTP settings go to the development mailbox
                "--spi-email-sender--platform--dev-mail-dir=" + devMailDir()));
        if (importRealms) {
            command.add("--import-realm");
        }
        command.addAll(redisOptions);
        command.addAll(List.of(
                "--cache=ispn",
                "--cache-stack=jdbc-ping",
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + clusterPort,
                // which node runs a cluster-aware scheduled task (the audit purge), and which skips it
                "--log-level=INFO,org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner:debug"));
        System.out.printf("[it] starting Keycloak on port %d (log: %s)%n", httpPort, log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        coverage = Coverage.attach(builder.environment());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Wait.until("Keycloak to be ready (see " + log + ")", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            return ready();
        });
        System.out.printf(
                "[it] Keycloak on port %d ready after %d s%n",
                httpPort, Duration.ofNanos(System.nanoTime() - spawnedAt).toSeconds());
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Installs what an operator copies, {@code providers/target/*.jar} and {@code themes/target/*.jar}, so every run
     * proves those folders hold deployable jars only; the test providers (hash counting) go into this test
     * distribution alone. Jars of earlier runs that are no longer built are removed.
     */
    private void installJarsAndRealms() {
        try {
            Files.createDirectories(log.getParentFile().toPath());
            Files.deleteIfExists(log.toPath());
            List<Path> jars = new ArrayList<>(jarsIn(System.getProperty("providers.dir")));
            jars.addAll(jarsIn(System.getProperty("themes.dir")));
            jars.add(Path.of(System.getProperty("test-providers.jar")));
            Path providers = home.resolve("providers");
            for (Path installed : jarsIn(providers.toString())) {
                if (jars.stream().noneMatch(jar -> jar.getFileName().equals(installed.getFileName()))) {
                    Files.delete(installed);
                }
            }
            // copy only what changed: Keycloak refuses to start optimized when a provider jar is newer than its build
            for (Path source : jars) {
                Path target = providers.resolve(source.getFileName());
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
                for (Path realm :
                        realms.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.copy(realm, imports.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jarsIn(String directory) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(directory))) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Augmentation takes ~40 s (over 5 min on the loaded 2-core build machine): skip it when neither the jars nor the build options changed since the last run. */
    private void buildIfChanged(List<String> buildOptions) {
        Path marker = home.resolve(".um-build");
        String fingerprint = fingerprint(buildOptions);
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(fingerprint)) {
                System.out.println("[it] providers unchanged: reusing the last Keycloak build");
                return;
            }
            System.out.println("[it] kc.sh build " + String.join(" ", buildOptions) + " (about 40 s)");
            List<String> command =
                    new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "build"));
            command.addAll(buildOptions);
            Process build = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
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
            for (Path jar :
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                digest.update(Files.readAllBytes(jar));
                // Keycloak also refuses a jar that is newer than its build, even with the same content
                digest.update(
                        Long.toString(Files.getLastModifiedTime(jar).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        stopProcess();
        redis.stop();
    }

    private synchronized void stopProcess() {
        if (process != null && process.isAlive()) {
            coverage.collect();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
