package dev.multimodal.usermanagement.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gatling, as the benchmark runs it, against a local server: alternating rounds, served vs refused, answers read. */
class LoadTest {

    HttpServer server;
    String base;
    final AtomicInteger fast = new AtomicInteger();
    final AtomicInteger slow = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fast", x -> {
            fast.incrementAndGet();
            x.getRequestBody().readAllBytes();
            byte[] body = ("{\"refresh_token\":\"t" + fast.get() + "\"}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.createContext("/slow", x -> {
            slow.incrementAndGet();
            x.getRequestBody().readAllBytes();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = x.getRequestHeaders().getFirst("Authorization") == null ? 401 : 200;
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void comparesTwoSidesInAlternatingRounds(@TempDir Path dir) {
        Load.resultsFolder(dir);
        Tokens tokens = new Tokens(List.of("a", "b"));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Endpoint fastSide = Endpoint.post("fast", s -> s == 200, () -> {
                    int slot = tokens.nextSlot();
                    return new Endpoint.Request(
                            base + "/fast", "application/json", "{\"t\":\"" + tokens.get(slot) + "\"}", null, slot);
                })
                .reading((request, status, body) -> {
                    tokens.keepRefreshToken(request, status, body);
                    seen.add(tokens.get(request.slot()));
                });
        Endpoint slowSide = Endpoint.get("slow", () -> new Endpoint.Request(base + "/slow", null, null, "x", 0));

        Side[] sides = Load.compare("test", fastSide, slowSide, new Load.Plan(2, 1, 2, 1));

        assertEquals(2, sides[0].rounds().size());
        assertEquals(2, sides[1].rounds().size());
        assertEquals(0, sides[0].errors() + sides[1].errors());
        assertTrue(sides[0].requests() > 0 && sides[1].requests() > 0, "both sides served");
        assertTrue(sides[0].rounds().stream().allMatch(r -> r.throughput() > 0), "every round of the fast side served");
        assertTrue(sides[1].percentile(0.5) >= 20, "p50 of the slow side " + sides[1].percentile(0.5));
        assertTrue(seen.stream().anyMatch(t -> t.startsWith("t")), "rotated tokens are kept");
    }

    @Test
    void countsUnexpectedAnswersAsErrors(@TempDir Path dir) {
        Load.resultsFolder(dir);
        Endpoint noBearer = Endpoint.post(
                "refused", s -> s == 200, () -> new Endpoint.Request(base + "/slow", "text/plain", "x", null, 0));
        Round r = Load.single("errors", noBearer, 1, 3);
        assertEquals(0, r.sortedNanos().length);
        assertTrue(r.errors() >= 3, "errors " + r.errors());
    }
}
