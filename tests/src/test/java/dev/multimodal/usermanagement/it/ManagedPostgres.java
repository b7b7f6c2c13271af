package dev.multimodal.usermanagement.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server owned by one test: its own data directory, port and socket directory, so the test can stop,
 * crash and restart it without touching the machine's Postgres that other runs share. As root (CI), the server runs
 * as the {@code postgres} OS user, since initdb refuses root. {@link #close()} stops it and deletes its files.
 */
public final class ManagedPostgres implements AutoCloseable {

    private final Path directory;
    private final Path data;
    private final File logFile;
    private final int port = freePort();
    private final Path bin = binDirectory();
    private final Thread cleanupOnExit = new Thread(this::stopQuietly);

    private ManagedPostgres(File logFile) {
        this.logFile = logFile;
        try {
            directory = Files.createTempDirectory("um-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        data = directory.resolve("data");
    }

    /** Creates a cluster (trust authentication for the local user {@code postgres}) and starts it. */
    public static ManagedPostgres start(File logFile) {
        ManagedPostgres postgres = new ManagedPostgres(logFile);
        Runtime.getRuntime().addShutdownHook(postgres.cleanupOnExit);
        try {
            if (asRoot()) {
                run(List.of("chown", "postgres:postgres", postgres.directory.toString()));
            }
            postgres.runAsOwner(List.of(
                    postgres.bin.resolve("initdb").toString(),
                    "-D",
                    postgres.data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8"));
            postgres.start();
            return postgres;
        } catch (RuntimeException | AssertionError e) {
            postgres.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The server's JDBC URL without a database name, as {@link TestDatabase} wants it. */
    public String serverUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    public synchronized void start() {
        runAsOwner(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                serverLog().toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1",
                "start"));
    }

    /** A clean shutdown: open connections are ended, nothing committed is lost. */
    public synchronized void stop() {
        pgCtlStop("fast");
    }

    /** A crash: the server dies at once without a checkpoint; the next start replays its log. */
    public synchronized void crash() {
        pgCtlStop("immediate");
    }

    private void pgCtlStop(String mode) {
        runAsOwner(
                List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "-t", "60", "stop"));
    }

    /** In the server's own directory, which its OS user may write; copied to the test's log file on close. */
    private Path serverLog() {
        return directory.resolve("postgres.log");
    }

    private boolean running() {
        return Files.exists(data.resolve("postmaster.pid"));
    }

    private void stopQuietly() {
        try {
            if (running()) {
                crash();
            }
        } catch (RuntimeException e) {
            System.err.println("[it] could not stop the test's Postgres: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
        try {
            if (Files.exists(serverLog())) {
                Files.copy(serverLog(), logFile.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("[it] could not keep the test's Postgres log: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("[it] could not delete " + directory + ": " + e.getMessage());
        }
    }

    private void runAsOwner(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code -Dit.postgres.bin}, else the newest server under /usr/lib/postgresql (Debian's layout). */
    private static Path binDirectory() {
        String configured = System.getProperty("it.postgres.bin");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(dir -> Files.isExecutable(dir.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(dir -> Integer.parseInt(
                            dir.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException(
                            "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no PostgreSQL server binaries (apt-get install postgresql, or -Dit.postgres.bin=...)", e);
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
