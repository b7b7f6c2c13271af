package dev.multimodal.usermanagement.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector against real redis-server processes of its own: password, TLS, outage and recovery. */
class RedisConnectorTest {

    /** Generous: the handshake (TLS, AUTH) runs on a shared, loaded build machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<Process> servers = new ArrayList<>();
    private final List<RedisConnector> connectors = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        connectors.forEach(RedisConnector::close);
        for (Process server : servers) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void passwordFromTheOptionAuthenticates() throws Exception {
        int port = startRedis("--requirepass", "s3cret-pw");
        RedisConnector withPassword =
                connector(RedisSettings.parse("redis://127.0.0.1:" + port, false, "s3cret-pw", TIMEOUT));
        assertEquals("PONG", withPassword.commands().ping().get(2, TimeUnit.SECONDS));
        assertTrue(withPassword.ping().get(2, TimeUnit.SECONDS));

        RedisConnector without = connector(RedisSettings.parse("redis://127.0.0.1:" + port, false, null, TIMEOUT));
        assertThrows(RedisUnavailableException.class, without::commands, "NOAUTH: no connection");
    }

    @Test
    void tlsWithRediss(@TempDir Path dir) throws Exception {
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-keyout",
                        dir.resolve("key.pem").toString(),
                        "-out",
                        dir.resolve("cert.pem").toString())
                .redirectErrorStream(true)
                .start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor());
        int port = startRedis(
                "--port",
                "0",
                "--tls-port",
                String.valueOf(freePort()),
                "--tls-cert-file",
                dir.resolve("cert.pem").toString(),
                "--tls-key-file",
                dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file",
                dir.resolve("cert.pem").toString(),
                "--tls-auth-clients",
                "no");
        // the test's self-signed certificate is in no trust store: verifyPeer=NONE; production URLs keep full
        // verification
        RedisConnector tls =
                connector(RedisSettings.parse("rediss://127.0.0.1:" + port + "?verifyPeer=NONE", false, null, TIMEOUT));
        assertEquals("PONG", tls.commands().ping().get(5, TimeUnit.SECONDS));

        RedisConnector plain = connector(RedisSettings.parse("redis://127.0.0.1:" + port, false, null, TIMEOUT));
        assertThrows(RedisUnavailableException.class, plain::commands, "plain text to a TLS port");
    }

    @Test
    void sentinelUrlFindsTheMaster(@TempDir Path dir) throws Exception {
        int master = startRedis();
        int sentinelPort = freePort();
        Path config = dir.resolve("sentinel.conf");
        java.nio.file.Files.writeString(
                config,
                "port " + sentinelPort + "\nbind 127.0.0.1\n" + "sentinel monitor mymaster 127.0.0.1 " + master
                        + " 1\n");
        Process sentinel = new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        servers.add(sentinel);
        waitForPort(sentinelPort);

        RedisConnector connector = connector(RedisSettings.parse(
                "redis-sentinel://127.0.0.1:" + sentinelPort + "/0#mymaster", false, null, TIMEOUT));
        assertEquals("PONG", connector.commands().ping().get(2, TimeUnit.SECONDS));
        assertEquals("OK", connector.commands().set("um:sentinel-test", "1").get(2, TimeUnit.SECONDS));
        assertTrue(connector.ping().get(2, TimeUnit.SECONDS));
    }

    @Test
    void anOutageEndsWithTheReconnect() throws Exception {
        int port = startRedis();
        RedisConnector connector = connector(RedisSettings.parse("redis://127.0.0.1:" + port, false, null, TIMEOUT));
        assertTrue(connector.ping().get(2, TimeUnit.SECONDS));

        servers.get(0).destroy();
        servers.get(0).waitFor(10, TimeUnit.SECONDS);
        Exception failure =
                assertThrows(Exception.class, () -> connector.commands().ping().get(2, TimeUnit.SECONDS));
        connector.reportFailure(failure);
        assertFalse(connector.isAvailable());

        servers.set(0, redisProcess(port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!connector.isAvailable() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(connector.isAvailable(), "lettuce's reconnect ends the outage without a command");
        assertEquals("PONG", connector.commands().ping().get(2, TimeUnit.SECONDS));
    }

    private RedisConnector connector(RedisSettings settings) {
        RedisConnector connector = new RedisConnector(settings);
        connectors.add(connector);
        return connector;
    }

    /** A redis-server on a free port (or the TLS port among {@code options}); returns that port once it listens. */
    private int startRedis(String... options) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(options));
        int tlsPort = args.indexOf("--tls-port");
        Process process = redisProcess(port, args);
        servers.add(process);
        int listening = tlsPort >= 0 ? Integer.parseInt(args.get(tlsPort + 1)) : port;
        waitForPort(listening);
        return listening;
    }

    private static void waitForPort(int listening) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", listening)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start on " + listening, e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static Process redisProcess(int port) throws IOException {
        return redisProcess(port, List.of());
    }

    private static Process redisProcess(int port, List<String> options) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--save",
                "",
                "--appendonly",
                "no"));
        command.addAll(options); // a later --port wins
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
