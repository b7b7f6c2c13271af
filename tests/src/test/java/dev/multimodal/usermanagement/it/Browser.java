package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser: keeps cookies by hand (Keycloak marks them Secure, which Java's CookieManager withholds over
 * plain http) and follows no redirects, so each answer's status is seen.
 */
final class Browser {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** The redirect URI of the tenant's public browser client {@code web}, which tests create. */
    static final String REDIRECT_URI = "http://localhost/callback";

    private final KeycloakServer server;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    Browser(KeycloakServer server) {
        this.server = server;
    }

    HttpResponse<String> register(String tenant, String username, String password) {
        HttpResponse<String> page =
                get(server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/registrations?client_id=web"
                        + "&response_type=code&scope=openid&redirect_uri="
                        + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
        assertEquals(200, page.statusCode(), page.body());
        return submit(
                page,
                "kc-register-form",
                Map.of(
                        "username",
                        username,
                        "email",
                        username + "@" + tenant + ".example",
                        "firstName",
                        "New",
                        "lastName",
                        "Comer",
                        "password",
                        password,
                        "password-confirm",
                        password));
    }

    HttpResponse<String> login(String tenant, String username, String password) {
        HttpResponse<String> page = get(server.baseUrl() + "/realms/" + tenant
                + "/protocol/openid-connect/auth?client_id=web" + "&response_type=code&scope=openid&redirect_uri="
                + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
        assertEquals(200, page.statusCode(), page.body());
        return submit(page, "kc-form-login", Map.of("username", username, "password", password));
    }

    HttpResponse<String> forgotPassword(String tenant, String username) {
        HttpResponse<String> login = get(server.baseUrl() + "/realms/" + tenant
                + "/protocol/openid-connect/auth?client_id=web" + "&response_type=code&scope=openid&redirect_uri="
                + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
        assertEquals(200, login.statusCode(), login.body());
        Matcher link = Pattern.compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"")
                .matcher(login.body());
        assertTrue(link.find(), "no 'forgot password' link: " + login.body());
        HttpResponse<String> form = get(absolute(link.group(1)));
        assertEquals(200, form.statusCode(), form.body());
        return submit(form, "kc-reset-password-form", Map.of("username", username));
    }

    HttpResponse<String> submit(HttpResponse<String> page, String formId, Map<String, String> fields) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + formId + "\"[^>]*>").matcher(page.body());
        assertTrue(form.find(), "no form " + formId + " in: " + page.body());
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        assertTrue(action.find(), form.group());
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(absolute(action.group(1))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Follows redirects within Keycloak (not to the client's redirect URI). */
    HttpResponse<String> get(String url) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(url)).GET());
        for (int hops = 0; hops < 5 && (response.statusCode() == 302 || response.statusCode() == 303); hops++) {
            String location = response.headers().firstValue("Location").orElse("");
            if (!location.startsWith("/") && !location.startsWith(server.baseUrl())) {
                break;
            }
            response =
                    send(HttpRequest.newBuilder(URI.create(absolute(location))).GET());
        }
        return response;
    }

    private String absolute(String url) {
        String decoded = url.replace("&amp;", "&");
        return decoded.startsWith("/") ? server.baseUrl() + decoded : decoded;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        String path = built.uri().getPath();
        // a cookie per name and path: two realms' login sessions (an identity provider's round trip) keep apart
        String header = cookies.entrySet().stream()
                .filter(e -> path.startsWith(e.getKey().split(" ", 2)[1]))
                .map(e -> e.getKey().split(" ", 2)[0] + "=" + e.getValue())
                .collect(Collectors.joining("; "));
        if (!header.isEmpty()) {
            built = HttpRequest.newBuilder(built, (name, value) -> true)
                    .header("Cookie", header)
                    .build();
        }
        try {
            HttpResponse<String> response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                String[] pair = cookie.split(";", 2)[0].split("=", 2);
                Matcher cookiePath = Pattern.compile("(?i);\\s*path=([^;]*)").matcher(cookie);
                if (pair.length == 2) {
                    cookies.put(
                            pair[0] + " "
                                    + (cookiePath.find() ? cookiePath.group(1).trim() : "/"),
                            pair[1]);
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
