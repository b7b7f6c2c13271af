package dev.multimodal.usermanagement.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters (no replicas) on loopback, owned by a test: three redis-server processes in
 * cluster mode on free ports, joined by {@code redis-cli --cluster create}.
 */
final class RedisCluster implements AutoCloseable {

    private final List<ManagedRedis> masters = new ArrayList<>();
    private final Path directory;

    RedisCluster(File logDirectory) {
        try {
            directory = Files.createTempDirectory("um-redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            // the bus port is given, since the default (port + 10000) may be taken or beyond 65535
            masters.add(new ManagedRedis(
                    port,
                    new File(logDirectory, "redis-cluster-" + port + ".log"),
                    List.of(
                            "--cluster-enabled",
                            "yes",
                            "--cluster-port",
                            String.valueOf(freePort()),
                            "--cluster-config-file",
                            directory.resolve("nodes-" + port + ".conf").toString(),
                            "--dir",
                            directory.toString(),
                            "--cluster-node-timeout",
                            "5000")));
        }
    }

    RedisCluster start() {
        masters.forEach(ManagedRedis::start);
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        masters.forEach(master -> command.add("127.0.0.1:" + master.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Process create =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(create.getInputStream().readAllBytes());
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Wait.until(
                "the Redis Cluster to be ok",
                Duration.ofSeconds(30),
                () -> masters.stream()
                        .allMatch(master ->
                                String.valueOf(master.command("CLUSTER INFO")).contains("cluster_state:ok")));
        return this;
    }

    List<ManagedRedis> masters() {
        return masters;
    }

    /** The seed URLs for {@code --spi-redis--default--url} with {@code --spi-redis--default--cluster=true}. */
    String seedUrls() {
        return masters.stream()
                .map(master -> "redis://127.0.0.1:" + master.port())
                .collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        masters.forEach(ManagedRedis::stop);
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // a temp directory left behind is harmless
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
