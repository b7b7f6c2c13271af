package dev.multimodal.usermanagement.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.jacoco.core.tools.ExecDumpClient;
import org.jacoco.core.tools.ExecFileLoader;

/**
 * JaCoCo's agent in one Keycloak process (the build passes the agent's options in {@code keycloak.javaagent}). The
 * agent serves its data on a local port and the harness fetches it before it stops or kills the process, so a test
 * that kills Keycloak (SIGKILL skips JaCoCo's own dump at exit) loses no coverage. Without the property: nothing.
 */
final class Coverage {

    private static final String AGENT = System.getProperty("keycloak.javaagent", "");
    private static final String FILE = System.getProperty("keycloak.coverage.file", "");

    private final int port;

    private Coverage(int port) {
        this.port = port;
    }

    /** For a process about to start: its agent's options go into the environment, if the build asked for coverage. */
    static Coverage attach(Map<String, String> environment) {
        if (!AGENT.startsWith("-javaagent:") || FILE.isEmpty()) {
            return new Coverage(-1);
        }
        Coverage coverage = new Coverage(freePort());
        environment.put("JAVA_OPTS_APPEND", AGENT + ",output=tcpserver,address=127.0.0.1,port=" + coverage.port);
        return coverage;
    }

    /** Appends what the process ran so far to the build's coverage file (the agent keeps counting). */
    void collect() {
        if (port < 0) {
            return;
        }
        try {
            ExecFileLoader data = new ExecDumpClient().dump("127.0.0.1", port);
            data.save(new File(FILE), true);
        } catch (IOException e) {
            System.out.println("[it] coverage of the Keycloak on agent port " + port + " not collected: " + e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
