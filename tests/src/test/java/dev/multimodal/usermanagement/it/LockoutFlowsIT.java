package dev.multimodal.usermanagement.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rate limits in the browser's registration and "forgot password" flows of a tenant made from the template
 * (bound there by the server, as in every new tenant), and a completed "forgot password" ending a lock; a real
 * SMTP conversation with {@link SmtpSink} carries the reset link.
 */
class LockoutFlowsIT {

    private static final String PASSWORD = "Start-Pass123";
    private static final String REDIRECT_URI = "http://localhost/callback";

    private static KeycloakServer server;
    private static SmtpSink smtp;

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.get();
        smtp = new SmtpSink();
    }

    @AfterAll
    static void stopSmtp() throws IOException {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void newTenantsGetTheRateLimitsInTheirRegistrationAndResetFlows() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        var realm = Http.get(server.baseUrl() + "/admin/realms/" + tenant, token).json();
        assertEquals("user-management registration", realm.path("registrationFlow").asText());
        assertEquals("user-management reset credentials", realm.path("resetCredentialsFlow").asText());
        String flows = server.baseUrl() + "/admin/realms/" + tenant + "/authentication/flows/";
        List<String> registration = providers(Http.get(flows + "user-management%20registration/executions", token).json());
        assertTrue(registration.indexOf("lockout-rate-limit-registration") >= 0
                && registration.indexOf("lockout-rate-limit-registration") < registration.indexOf("registration-user-creation"),
                "the limits come before the user is created: " + registration);
        List<String> reset = providers(Http.get(flows + "user-management%20reset%20credentials/executions", token).json());
        assertEquals(reset.indexOf("reset-credentials-choose-user") + 1, reset.indexOf("lockout-rate-limit"),
                "right after Choose User: " + reset);
    }

    @Test
    void newTenantsLoginPageCountsAgainstTheSameLockAsTheApi() {
        String tenant = tenant();
        String token = Tokens.platformAdmin(server);
        assertEquals("user-management browser", Http.get(server.baseUrl() + "/admin/realms/" + tenant, token).json()
                .path("browserFlow").asText());
        List<String> browserSteps = providers(Http.get(server.baseUrl() + "/admin/realms/" + tenant
                + "/authentication/flows/user-management%20browser/executions", token).json());
        assertTrue(browserSteps.contains("lockout-rate-limit") && !browserSteps.contains("auth-username-password-form"), browserSteps.toString());

        Fixtures.createUser(server, token, tenant, "mia", PASSWORD, true, "user");
        assertEquals(302, new Browser().login(tenant, "mia", PASSWORD).statusCode(), "the right password logs in");
        for (int i = 0; i < 5; i++) {
            assertEquals(200, new Browser().login(tenant, "mia", "wrong-" + i).statusCode(), "the form again");
        }
        assertEquals(401, login(tenant, "mia", PASSWORD).status(), "locked by the login page: the API refuses too");
        HttpResponse<String> locked = new Browser().login(tenant, "mia", PASSWORD);
        assertEquals(200, locked.statusCode(), "locked: the page a wrong password gets");
        assertTrue(locked.body().contains("Invalid username or password."), locked.body());
    }

    @Test
    void registrationIsRateLimitedPerUsernameWith429AndTheThemedMessage() {
        String tenant = tenant();
        settings(tenant, Map.of("requests_per_username_per_minute", 2));
        Browser browser = new Browser();
        HttpResponse<String> registered = browser.register(tenant, "newbie", PASSWORD);
        assertEquals(302, registered.statusCode(), "under the limit, registration works: " + registered.body());

        HttpResponse<String> taken = new Browser().register(tenant, "newbie", PASSWORD);
        assertEquals(200, taken.statusCode(), "the 2nd request: Keycloak's own answer (name taken)");
        HttpResponse<String> limited = new Browser().register(tenant, "newbie", PASSWORD);
        assertEquals(429, limited.statusCode(), limited.body());
        assertNotNull(limited.headers().firstValue("Retry-After").orElse(null));
        assertTrue(limited.body().contains("Too many requests. Please wait"), limited.body());
        assertEquals(302, new Browser().register(tenant, "another", PASSWORD).statusCode(), "another username is not limited");
    }

    @Test
    void forgotPasswordIsRateLimitedAndItsCompletionEndsTheLock() {
        String tenant = tenant();
        smtpOf(tenant);
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "kate", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(tenant, "kate", "wrong-" + i).status());
        }
        assertEquals(401, login(tenant, "kate", PASSWORD).status(), "locked");

        Browser browser = new Browser();
        HttpResponse<String> sent = browser.forgotPassword(tenant, "kate");
        assertEquals(200, sent.statusCode(), "a locked user may reset the password: " + sent.body());
        SmtpSink.Mail mail = smtp.awaitMailTo("kate@" + tenant + ".example", Duration.ofSeconds(20));
        HttpResponse<String> form = browser.get(SmtpSink.link(mail, "action-token"));
        HttpResponse<String> done = browser.submit(form, "kc-passwd-update-form",
                Map.of("password-new", "Fresh-Pass456", "password-confirm", "Fresh-Pass456"));
        assertTrue(done.statusCode() == 302 || done.statusCode() == 200, done.statusCode() + ": " + done.body());
        Wait.until("kate unlocked by her new password", Duration.ofSeconds(5),
                () -> login(tenant, "kate", "Fresh-Pass456").status() == 200);

        settings(tenant, Map.of("requests_per_username_per_minute", 2));
        Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, "leo", PASSWORD, true, "user");
        assertEquals(200, new Browser().forgotPassword(tenant, "leo").statusCode());
        assertEquals(200, new Browser().forgotPassword(tenant, "leo").statusCode());
        HttpResponse<String> limited = new Browser().forgotPassword(tenant, "leo");
        assertEquals(429, limited.statusCode(), limited.body());
        assertNotNull(limited.headers().firstValue("Retry-After").orElse(null));
        assertTrue(limited.body().contains("Too many requests. Please wait"), limited.body());
        Wait.until("leo's two mails", Duration.ofSeconds(20), () -> smtp.mailsTo("leo@" + tenant + ".example").size() == 2);
        assertEquals(2, smtp.mailsTo("leo@" + tenant + ".example").size(), "no mail for the refused request");
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> providers(com.fasterxml.jackson.databind.JsonNode executions) {
        List<String> ids = new java.util.ArrayList<>();
        executions.forEach(e -> ids.add(e.path("providerId").asText()));
        return ids;
    }

    /** A tenant from the template with a public browser client {@code web}. */
    private static String tenant() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("lockflow"), false);
        Http.Reply client = Http.post(server.baseUrl() + "/admin/realms/" + tenant + "/clients", token, Map.of("clientId", "web",
                "publicClient", true, "standardFlowEnabled", true, "redirectUris", List.of(REDIRECT_URI)));
        assertEquals(201, client.status(), client.raw().body());
        return tenant;
    }

    private static void settings(String tenant, Map<String, Object> lockout) {
        Http.Reply reply = Http.put(server.apiUrl("master") + "/tenants/" + tenant + "/settings", Tokens.platformAdmin(server),
                Map.of("lockout", lockout));
        assertEquals(200, reply.status(), reply.raw().body());
    }

    private static void smtpOf(String tenant) {
        Http.Reply reply = Http.put(server.baseUrl() + "/admin/realms/" + tenant, Tokens.platformAdmin(server), Map.of("realm", tenant,
                "smtpServer", Map.of("host", "127.0.0.1", "port", Integer.toString(smtp.port()), "from", "noreply@" + tenant + ".example")));
        assertEquals(204, reply.status(), reply.raw().body());
    }

    private static Http.Reply login(String tenant, String username, String password) {
        return Http.post(server.apiUrl(tenant) + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /**
     * One browser: keeps cookies by hand (Keycloak marks them Secure, which Java's CookieManager withholds over
     * plain http) and follows no redirects, so each answer's status is seen.
     */
    private static final class Browser {

        private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final Map<String, String> cookies = new LinkedHashMap<>();

        HttpResponse<String> register(String tenant, String username, String password) {
            HttpResponse<String> page = get(server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/registrations?client_id=web"
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
            assertEquals(200, page.statusCode(), page.body());
            return submit(page, "kc-register-form", Map.of("username", username, "email", username + "@" + tenant + ".example",
                    "firstName", "New", "lastName", "Comer", "password", password, "password-confirm", password));
        }

        HttpResponse<String> login(String tenant, String username, String password) {
            HttpResponse<String> page = get(server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/auth?client_id=web"
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
            assertEquals(200, page.statusCode(), page.body());
            return submit(page, "kc-form-login", Map.of("username", username, "password", password));
        }

        HttpResponse<String> forgotPassword(String tenant, String username) {
            HttpResponse<String> login = get(server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/auth?client_id=web"
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8));
            assertEquals(200, login.statusCode(), login.body());
            Matcher link = Pattern.compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"").matcher(login.body());
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
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(URI.create(absolute(action.group(1))))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        /** Follows redirects within Keycloak (not to the client's redirect URI). */
        HttpResponse<String> get(String url) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET());
            for (int hops = 0; hops < 5 && (response.statusCode() == 302 || response.statusCode() == 303); hops++) {
                String location = response.headers().firstValue("Location").orElse("");
                if (!location.startsWith("/") && !location.startsWith(server.baseUrl())) {
                    break;
                }
                response = send(HttpRequest.newBuilder(URI.create(absolute(location))).GET());
            }
            return response;
        }

        private static String absolute(String url) {
            String decoded = url.replace("&amp;", "&");
            return decoded.startsWith("/") ? server.baseUrl() + decoded : decoded;
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            try {
                HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (String cookie : response.headers().allValues("Set-Cookie")) {
                    String[] pair = cookie.split(";", 2)[0].split("=", 2);
                    if (pair.length == 2) {
                        cookies.put(pair[0], pair[1]);
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
}
