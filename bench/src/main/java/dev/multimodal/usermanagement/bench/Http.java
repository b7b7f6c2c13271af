package dev.multimodal.usermanagement.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Set-up calls (not measured): the JDK's HTTP client, JSON through Jackson, the master admin's token. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + abbreviate(body), e);
            }
        }

        Answer expect(String what, int... statuses) {
            for (int s : statuses) {
                if (status == s) {
                    return this;
                }
            }
            throw new IllegalStateException(what + ": got " + status + " " + abbreviate(body));
        }
    }

    private final String base;
    private String adminToken;
    private long adminTokenExpires;

    Http(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    Answer send(String method, String path, String contentType, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(300))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    Answer get(String path, String bearer) {
        return send("GET", path, null, null, bearer);
    }

    Answer postJson(String path, Object body, String bearer) {
        return send("POST", path, "application/json", json(body), bearer);
    }

    Answer putJson(String path, Object body, String bearer) {
        return send("PUT", path, "application/json", json(body), bearer);
    }

    Answer postForm(String path, String form) {
        return send("POST", path, "application/x-www-form-urlencoded", form, null);
    }

    Answer delete(String path, String bearer) {
        return send("DELETE", path, null, null, bearer);
    }

    /** The master realm's bootstrap admin (admin/admin, as run.sh sets it), renewed before it expires. */
    synchronized String admin() {
        if (adminToken == null || System.nanoTime() > adminTokenExpires) {
            long t0 = System.nanoTime();
            JsonNode t = postForm(
                            "/realms/master/protocol/openid-connect/token",
                            "grant_type=password&client_id=admin-cli&username=admin&password=admin")
                    .expect("admin token", 200)
                    .json();
            adminToken = t.get("access_token").asText();
            adminTokenExpires = t0 + Math.max(5, t.get("expires_in").asLong() - 15) * 1_000_000_000L;
        }
        return adminToken;
    }

    static String json(Object body) {
        if (body == null || body instanceof String) {
            return (String) body;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
