package dev.multimodal.usermanagement.it;

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
import java.util.Map;
import java.util.stream.Collectors;

/** A small JSON-over-HTTP client for black-box tests. */
public final class Http {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {}

    public record Reply(int status, HttpResponse<String> raw, long millis) {

        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("Not JSON (status " + status + "): " + raw.body(), e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public static Reply get(String url) {
        return get(url, null);
    }

    public static Reply get(String url, String token) {
        return send(authorized(url, token).GET());
    }

    public static Reply post(String url, String token, Object body) {
        return send(authorized(url, token)
                .header("Content-Type", "application/json")
                .POST(json(body)));
    }

    /** A POST that may take longer than the usual 30 s, e.g. a tenant creation on a loaded machine. */
    public static Reply post(String url, String token, Object body, Duration timeout) {
        return send(authorized(url, token)
                .header("Content-Type", "application/json")
                .POST(json(body))
                .timeout(timeout));
    }

    public static Reply put(String url, String token, Object body) {
        return send(authorized(url, token)
                .header("Content-Type", "application/json")
                .PUT(json(body)));
    }

    public static Reply delete(String url, String token) {
        return send(authorized(url, token).DELETE());
    }

    public static Reply delete(String url, String token, Object body) {
        return send(authorized(url, token)
                .header("Content-Type", "application/json")
                .method("DELETE", json(body)));
    }

    /** A raw body with any content type, for bad-input tests. */
    public static Reply postRaw(String url, String token, String contentType, String body) {
        HttpRequest.Builder request = authorized(url, token).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public static Reply postForm(String url, Map<String, String> form) {
        String encoded = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encoded)));
    }

    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    private static HttpRequest.Builder authorized(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(
                    body instanceof String text ? text : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply send(HttpRequest.Builder request) {
        long started = System.nanoTime();
        try {
            HttpRequest built = request.build();
            if (built.timeout().isEmpty()) {
                built = request.timeout(Duration.ofSeconds(30)).build();
            }
            HttpResponse<String> response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
