package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every row of the authorization matrix ({@link AuthorizationMatrix}) on the real server and fails with every
 * cell that differs (status, or a refusal that is not problem+json), not only the first. Covers BOLA (ids of other
 * users, tenants and the platform realm), BFLA (every caller on every endpoint) and mass assignment.
 *
 * <p>The world: tenants A and B, callers of each role in A, a {@code tenants:manage} platform user and a platform
 * user with the master {@code admin} role (as the bootstrap admin has; a user of the run's own, so a defect that
 * changes it cannot break the other test classes). Targets the callers are not: x-guest ... x-admin in A, a user in
 * B, a victim in master. Rows that would change a caller (logout, password, roles, delete) use a fresh caller of the
 * same role; rows that delete, disable or re-role a target use a fresh target of the same role.
 */
class AuthorizationMatrixIT {

    private static final String NEW_PASSWORD = "Other-Pass456";
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KeycloakServer server;
    private static String bootstrapToken;
    private static String a;
    private static String b;
    private static String sharedVictimTenant;
    private static String loginRefreshToken;
    private static final Map<String, JsonNode> ROLES = new ConcurrentHashMap<>();
    private static final Map<String, Account> CALLERS = new ConcurrentHashMap<>();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    private static final Map<String, Account> TARGETS = new ConcurrentHashMap<>();
    private static final AtomicInteger FRESH = new AtomicInteger();

    /** A user: its realm, name, id and role (a tenant role, or for platform users the master role). */
    private record Account(String realm, String username, String id, String role) {}

    private record Target(String realm, String userId, String tenantId) {}

    private record Outcome(AuthorizationMatrix.Row row, int status, String contentType, String body) {

        boolean violates() {
            return status != row.expected() || (status >= 400 && !contentType.startsWith("application/problem+json"));
        }

        String describe() {
            String why = status != row.expected()
                    ? "expected " + row.expected() + ", got " + status
                    : "got " + status + " as " + (contentType.isEmpty() ? "no content type" : contentType)
                            + ", not problem+json";
            return row + ": " + why
                    + (body.isEmpty()
                            ? ""
                            : " "
                                    + body.substring(0, Math.min(160, body.length()))
                                            .replace('\n', ' '));
        }
    }

    @BeforeAll
    static void world() {
        server = KeycloakServer.get();
        bootstrapToken = Tokens.platformAdmin(server);
        String run = UUID.randomUUID().toString().substring(0, 6);
        a = Fixtures.createTenant(server, bootstrapToken, "mxa-" + run, false);
        b = Fixtures.createTenant(server, bootstrapToken, "mxb-" + run, false);
        sharedVictimTenant = Fixtures.createTenant(server, bootstrapToken, "mxv-" + run, false);
        for (String tenant : List.of(a, b)) {
            SecurityFixtures.raiseLimits(server, bootstrapToken, tenant);
        }
        for (String role : List.of("guest", "user", "moderator", "admin")) {
            CALLERS.put(role, account(a, "c-" + role, role));
            TARGETS.put(role, account(a, "x-" + role, role));
        }
        TARGETS.put("b-user", account(b, "x-user", "user"));
        TARGETS.put("master", account("master", "mx-victim-" + run, null));
        CALLERS.put("tenants-manager", account("master", "mx-tm-" + run, "tenants:manage"));
        CALLERS.put("platform-admin", account("master", "mx-pa-" + run, "admin"));
        Account login = account(a, "c-login", "user");
        Http.Reply tokens = Fixtures.apiLogin(server, a, login.username(), SecurityFixtures.PASSWORD);
        assertEquals(200, tokens.status(), tokens.raw().body());
        loginRefreshToken = tokens.json().path("refresh_token").asText();
    }

    @Test
    void everyCellAnswersAsTheMatrixSays() throws Exception {
        List<AuthorizationMatrix.Row> rows = AuthorizationMatrix.rows();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Outcome>> futures = new ArrayList<>();
        try {
            for (AuthorizationMatrix.Row row : rows) {
                futures.add(pool.submit(() -> run(row)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
            List<String> violations = outcomes.stream()
                    .filter(Outcome::violates)
                    .map(Outcome::describe)
                    .toList();
            writeActual(outcomes);
            violations.forEach(violation -> System.out.println("[security] matrix violation: " + violation));
            System.out.printf(
                    "[it] authorization matrix: %d cells in %d s%n",
                    rows.size(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
            System.out.printf(
                    "[security] authorization matrix: %d cells, %d violations%n", rows.size(), violations.size());
            assertEquals(
                    List.of(),
                    violations,
                    violations.size() + " of " + rows.size() + " cells differ from " + AuthorizationMatrix.RESOURCE
                            + " (all cells: target/security/authorization-matrix-actual.tsv)");
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- one row

    private static Outcome run(AuthorizationMatrix.Row row) {
        try {
            boolean destructive = destructive(row);
            boolean freshCaller = destructive
                    && !row.caller().equals("anonymous")
                    && (row.path().startsWith("/users/me")
                            || row.path().equals("/auth/logout")
                            || row.target().equals("own"));
            Account caller = row.caller().equals("anonymous")
                    ? null
                    : freshCaller ? freshCaller(row.caller()) : CALLERS.get(row.caller());
            String token = caller == null
                    ? null
                    : freshCaller ? login(caller) : TOKENS.computeIfAbsent(row.caller(), name -> login(caller));
            Target target = target(
                    row,
                    caller,
                    destructive
                            && row.path().startsWith("/users/{id}")
                            && !row.target().equals("own"));
            String path = row.path()
                    .replace("{file}", "swagger-ui.css")
                    .replace(
                            "/users/me/sessions/{id}",
                            "/users/me/sessions/"
                                    + (row.target().equals("own") && token != null
                                            ? SecurityFixtures.claims(token)
                                                    .path("sid")
                                                    .asText()
                                            : UUID.randomUUID().toString()))
                    .replace("/users/{id}", "/users/" + target.userId())
                    .replace("/tenants/{id}", "/tenants/" + target.tenantId());
            if (row.path().equals("/audit/purge")) {
                path += "?before=2000-01-01T00:00:00Z";
            }
            Object body = body(row, target);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.apiUrl(target.realm()) + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(
                                row.method(),
                                HttpRequest.BodyPublishers.ofString(
                                        Http.tree(body).toString()));
            } else {
                request.method(row.method(), HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            // /health answers 503 while its 400 ms database probe is late (a loaded machine): not an access decision,
            // ask again
            for (int retry = 0; retry < 3 && row.path().equals("/health") && response.statusCode() == 503; retry++) {
                Thread.sleep(1000);
                response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            // heavy calls (import, audit verify and export) admit a few at a time per tenant and ask the rest to come
            // back
            // later (429 + Retry-After): the matrix's parallel rows do, as a client would; an access decision is no 429
            for (int retry = 0;
                    retry < 20
                            && response.statusCode() == 429
                            && response.headers().firstValue("Retry-After").isPresent()
                            && !row.path().startsWith("/auth/");
                    retry++) {
                Thread.sleep(500);
                response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            String text = response.statusCode() >= 300 ? response.body() : "";
            return new Outcome(row, response.statusCode(), type, text);
        } catch (IOException e) {
            return new Outcome(row, -1, "", "I/O error: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(row, -1, "", "interrupted");
        } catch (RuntimeException | AssertionError e) {
            return new Outcome(row, -2, "", "set-up of the row failed: " + e);
        }
    }

    /** Rows that, if allowed (or wrongly allowed), end sessions, change passwords or roles, disable or delete. */
    private static boolean destructive(AuthorizationMatrix.Row row) {
        String path = row.path();
        return row.method().equals("DELETE")
                || path.endsWith("/roles")
                || path.endsWith("/reset-password")
                || path.endsWith("/change-password")
                || path.equals("/auth/logout")
                || row.kase().equals("is_active=false")
                || (path.equals("/users/me")
                        && row.method().equals("PUT")
                        && !row.kase().equals("first_name"));
    }

    private static Target target(AuthorizationMatrix.Row row, Account caller, boolean victim) {
        String callerRole = row.caller();
        String tenantId = switch (row.target()) {
            case "other-id" -> b;
            case "master-id" -> "master";
            case "victim" ->
                AuthorizationMatrix.PLATFORM_CALLERS.contains(callerRole)
                        ? Fixtures.createTenant(server, platform(), Fixtures.unique("mxv"), false)
                        : sharedVictimTenant;
            default -> a;
        };
        Account user = switch (row.target()) {
            case "own" -> caller != null ? caller : TARGETS.get("user");
            case "lower" ->
                TARGETS.get(
                        switch (callerRole) {
                            case "guest", "user" -> "guest";
                            case "admin" -> "moderator";
                            default -> "user";
                        });
            case "higher" ->
                TARGETS.get(
                        switch (callerRole) {
                            case "guest" -> "user";
                            case "user" -> "moderator";
                            default -> "admin";
                        });
            case "other", "other-id" -> TARGETS.get("b-user");
            default -> TARGETS.get("master");
        };
        if (victim) {
            user = account(user.realm(), "victim-" + FRESH.incrementAndGet(), user.role());
        }
        String realm = switch (row.target()) {
            case "other" -> b;
            case "master", "victim" -> "master";
            default -> a;
        };
        return new Target(realm, user.id(), tenantId);
    }

    /** The body of each {@code case} of the matrix; null for none. */
    private static Object body(AuthorizationMatrix.Row row, Target target) {
        String unique = "mx" + FRESH.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        String email = unique + "@" + a + ".example";
        return switch (row.method() + " " + row.path() + " " + row.kase()) {
            case "POST /auth/register new-user" ->
                Map.of("email", email, "username", unique, "password", SecurityFixtures.PASSWORD);
            case "POST /auth/login right-password" ->
                Map.of("username", "c-login", "password", SecurityFixtures.PASSWORD);
            case "POST /auth/login platform-user" ->
                Map.of("username", CALLERS.get("platform-admin").username(), "password", SecurityFixtures.PASSWORD);
            case "POST /auth/refresh api-client-token" -> Map.of("refresh_token", loginRefreshToken);
            case "POST /auth/change-password unknown-user" ->
                Map.of("username", unique, "current_password", SecurityFixtures.PASSWORD, "new_password", NEW_PASSWORD);
            case "PUT /users/me first_name", "PUT /users/{id} first_name" -> Map.of("first_name", "Matrix");
            case "PUT /users/me roles" -> Map.of("roles", List.of("admin"));
            case "PUT /users/me tenant_id" -> Map.of("tenant_id", b);
            case "PUT /users/me is_active", "PUT /users/{id} is_active=false" -> Map.of("is_active", false);
            case "PUT /users/me email_verified", "PUT /users/{id} email_verified" -> Map.of("email_verified", true);
            case "POST /users/me/change-password valid" ->
                Map.of("current_password", SecurityFixtures.PASSWORD, "new_password", NEW_PASSWORD);
            case "POST /users role=user", "POST /users role=moderator", "POST /users role=admin" ->
                Map.of(
                        "email",
                        email,
                        "username",
                        unique,
                        "password",
                        SecurityFixtures.PASSWORD,
                        "role",
                        row.kase().substring("role=".length()));
            case "POST /users tenant_id" ->
                Map.of("email", email, "username", unique, "password", SecurityFixtures.PASSWORD, "tenant_id", b);
            case "POST /users realm" ->
                Map.of("email", email, "username", unique, "password", SecurityFixtures.PASSWORD, "realm", "master");
            case "POST /users/import role=user" ->
                Map.of(
                        "users",
                        List.of(Map.of(
                                "email",
                                email,
                                "username",
                                unique,
                                "password_hash",
                                SecurityFixtures.BCRYPT_HASH,
                                "role",
                                "user")));
            case "PUT /users/{id}/roles roles=user",
                    "PUT /users/{id}/roles roles=moderator",
                    "PUT /users/{id}/roles roles=admin" ->
                Map.of("roles", List.of(row.kase().substring("roles=".length())));
            case "POST /users/{id}/reset-password valid" -> Map.of("temporary_password", "Temp-Pass123");
            case "POST /tenants new-tenant" ->
                Map.of(
                        "id",
                        unique,
                        "name",
                        "Tenant " + unique,
                        "admin_email",
                        "boss@" + unique + ".example",
                        "admin_username",
                        "boss",
                        "admin_password",
                        Fixtures.ADMIN_PASSWORD);
            case "PUT /tenants/{id} description" -> Map.of("description", "matrix");
            case "PUT /tenants/{id}/settings registration_allowed" -> Map.of("registration_allowed", true);
            default -> {
                if (!row.kase().equals("-") && !row.kase().equals("before=2000")) {
                    throw new IllegalArgumentException("no body for case " + row.kase() + " of " + row.endpoint());
                }
                yield null;
            }
        };
    }

    // ---------------------------------------------------------------- accounts and tokens

    private static String platform() {
        return bootstrapToken;
    }

    private static Account account(String realm, String username, String role) {
        JsonNode roleRep = role == null
                ? null
                : ROLES.computeIfAbsent(
                        realm + "/" + role,
                        key -> realm.equals("master")
                                ? SecurityFixtures.masterRole(server, AuthorizationMatrixIT::platform, role)
                                : SecurityFixtures.tenantRole(server, AuthorizationMatrixIT::platform, realm, role));
        String id = SecurityFixtures.user(server, AuthorizationMatrixIT::platform, realm, username, roleRep);
        return new Account(realm, username, id, role);
    }

    private static Account freshCaller(String caller) {
        Account shared = CALLERS.get(caller);
        return account(
                shared.realm(), "fresh-" + caller.replace(":", "") + "-" + FRESH.incrementAndGet(), shared.role());
    }

    private static String login(Account account) {
        return account.realm().equals("master")
                ? SecurityFixtures.platformLogin(server, account.username())
                : Tokens.password(server, account.realm(), account.username(), SecurityFixtures.PASSWORD);
    }

    private static void writeActual(List<Outcome> outcomes) throws IOException {
        Path file =
                Path.of(System.getProperty("keycloak.log")).resolveSibling("security/authorization-matrix-actual.tsv");
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("line\tmethod\tpath\tcase\tcaller\ttarget\texpected\tactual\n");
        for (Outcome outcome : outcomes) {
            AuthorizationMatrix.Row row = outcome.row();
            text.append(String.join(
                            "\t",
                            Integer.toString(row.line()),
                            row.method(),
                            row.path(),
                            row.kase(),
                            row.caller(),
                            row.target(),
                            Integer.toString(row.expected()),
                            Integer.toString(outcome.status())))
                    .append('\n');
        }
        Files.writeString(file, text);
    }
}
