package bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every benchmark needs: logging, `--option value` parsing, HTTP calls, reading fields out of JSON answers,
 * percentiles and the machine's load average.
 */
final class BenchSupport {

    private BenchSupport() {
    }

    static void log(String message) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
        System.out.flush();
    }

    /** {@code --name value} pairs, in order; anything else is a usage error. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --option value ...; got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String jsonString(String json, String field) {
        return jsonField(json, field, "\"([^\"]*)\"");
    }

    static String jsonNumber(String json, String field) {
        return jsonField(json, field, "([0-9]+)");
    }

    private static String jsonField(String json, String field, String valuePattern) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*" + valuePattern).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + abbreviate(json));
        }
        return m.group(1);
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    // ---------------------------------------------------------------- http

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    record Answer(int status, String body) {
    }

    static Answer post(String url, String contentType, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(b, bearer);
    }

    static Answer put(String url, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        return send(b, bearer);
    }

    static Answer get(String url, String bearer) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET(), bearer);
    }

    static Answer delete(String url, String bearer) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).DELETE(), bearer);
    }

    static Answer send(HttpRequest.Builder b, String bearer) throws IOException, InterruptedException {
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String expectOk(Answer a, String what) {
        return expectStatus(a, 200, what);
    }

    static String expectStatus(Answer a, int status, String what) {
        if (a.status() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + a.status() + " " + abbreviate(a.body()));
        }
        return a.body();
    }

    /** The master realm's bootstrap admin ({@code admin}/{@code admin}): a token, renewed shortly before it expires. */
    static final class AdminToken {
        private final String base;
        private String token;
        private long expires;

        AdminToken(String base) {
            this.base = base;
        }

        synchronized String get() throws Exception {
            if (token == null || System.nanoTime() > expires) {
                long t0 = System.nanoTime();
                String body = expectOk(post(base + "/realms/master/protocol/openid-connect/token", "application/x-www-form-urlencoded",
                        "grant_type=password&client_id=admin-cli&username=admin&password=admin", null), "admin token");
                token = jsonString(body, "access_token");
                long lifespan = Long.parseLong(jsonNumber(body, "expires_in"));
                expires = t0 + Math.max(5, lifespan - 15) * 1_000_000_000L;
            }
            return token;
        }
    }

    // ---------------------------------------------------------------- measuring

    interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs task(0..n-1) on 4 threads; the first failure is thrown. */
    static void parallel(int n, IndexTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                task.run(index);
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1e6;
    }

    /** The 1-minute load average ({@code /proc/loadavg}); the machine is shared, so every result notes it. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
