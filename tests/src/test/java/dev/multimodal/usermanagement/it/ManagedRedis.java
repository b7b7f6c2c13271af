package dev.multimodal.usermanagement.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server owned by the test run, on its own port, so tests can stop, slow down and restart
 * it without touching the machine's Redis.
 */
public final class ManagedRedis implements AutoCloseable {

    private final int port;
    private final File logFile;
    private final List<String> extraArguments;
    private Process process;

    ManagedRedis(int port, File logFile) {
        this(port, logFile, List.of());
    }

    /** With more redis-server options, e.g. {@code --cluster-enabled yes}. */
    ManagedRedis(int port, File logFile, List<String> extraArguments) {
        this.port = port;
        this.logFile = logFile;
        this.extraArguments = List.copyOf(extraArguments);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public synchronized void start() {
        try {
            List<String> command = new ArrayList<>(List.of(
                    "redis-server",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--enable-debug-command",
                    "local"));
            command.addAll(extraArguments);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start redis-server (apt-get install redis-server): " + e.getMessage(), e);
        }
        Wait.until("redis-server on port " + port, Duration.ofSeconds(10), () -> "PONG".equals(command("PING")));
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Sends one inline command and returns the first line of the reply without its type prefix; null when unreachable. */
    public String command(String inline) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) {
                return null;
            }
            if (first.startsWith("$")) {
                int length = Integer.parseInt(first.substring(1));
                if (length < 0) {
                    return null;
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    int n = in.read(body, read, length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return new String(body, 0, read);
            }
            return first.substring(1);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
