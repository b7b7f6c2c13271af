package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No user enumeration (issue 15, defects 3 and 4, suite item 4): for every way to probe an account (API login,
 * Keycloak's token endpoint, change-password, register, the login page's "forgot password"), a known and an unknown
 * account get the same status and body, cost the same number of password hashes (exactly one for every refused
 * login attempt), and meet the same limits.
 *
 * <p>Hashes are counted on the real server: the test tenant's password policy uses {@code counting-argon2}, Keycloak's
 * argon2 with a counter, from the test-only jar {@code test-providers} (read and reset at
 * {@code GET /realms/{realm}/hash-count}).
 */
class EnumerationIT {

    private static final String PASSWORD = "Right-Pass123";
    private static final String WRONG = "Wrong-Pass123";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;
    private static String tenant;
    private static String api;
    private static int checks;
    private static final List<String> violations = new ArrayList<>();
    private int violationsBefore;

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.get();
        String token = Tokens.platformAdmin(server);
        tenant = Fixtures.createTenant(server, token, Fixtures.unique("enum"), false);
        api = server.apiUrl(tenant);
        // limits out of the way (each test of limits has a tenant of its own); locks after 5 failures as by default
        Fixtures.lockout(
                server,
                tenant,
                Map.of(
                        "failures_per_ip_per_minute",
                        10_000,
                        "requests_per_ip_per_minute",
                        10_000,
                        "requests_per_username_per_minute",
                        10_000));
        String admin = server.baseUrl() + "/admin/realms/" + tenant;
        String policy = Http.get(admin, token).json().path("passwordPolicy").asText();
        Http.Reply realm = Http.put(
                admin,
                token,
                Map.of("realm", tenant, "passwordPolicy", policy + " and hashAlgorithm(counting-argon2)"));
        assertEquals(204, realm.status(), realm.raw().body());
        smtp.serve(server, tenant);
        Http.Reply client = Http.post(
                admin + "/clients",
                token,
                Map.of(
                        "clientId",
                        "web",
                        "publicClient",
                        true,
                        "standardFlowEnabled",
                        true,
                        "redirectUris",
                        List.of(Browser.REDIRECT_URI)));
        assertEquals(201, client.status(), client.raw().body());

        Fixtures.createUser(server, token, tenant, "kim", PASSWORD, true, "user");
        Fixtures.createUser(server, token, tenant, "sleepy", PASSWORD, false, "user");
        Fixtures.createUser(server, token, tenant, "lou", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401, login(Map.of("username", "lou", "password", WRONG + i)).status());
        }
        assertEquals(401, login(Map.of("username", "lou", "password", PASSWORD)).status(), "lou is locked");
    }

    @BeforeEach
    void mark() {
        violationsBefore = violations.size();
    }

    @AfterAll
    static void report() {
        System.out.printf("[security] enumeration: %d checks, %d violations%n", checks, violations.size());
        violations.forEach(v -> System.out.println("[security] enumeration violation: " + v));
    }

    // ---------------------------------------------------------------- defect 3: one hash per attempt, one answer

    @Test
    void everyApiLoginAttemptCostsOneHashAndGetsTheSameAnswer() {
        Counted baseline = counted(() -> login(Map.of("username", "kim", "password", WRONG)));
        assertEquals(401, baseline.reply.status(), baseline.reply.raw().body());
        Map<String, Supplier<Http.Reply>> kinds = new LinkedHashMap<>();
        kinds.put("unknown user", () -> login(Map.of("username", "nobody", "password", WRONG)));
        kinds.put("disabled user", () -> login(Map.of("username", "sleepy", "password", PASSWORD)));
        kinds.put("locked user", () -> login(Map.of("username", "lou", "password", PASSWORD)));
        kinds.put(
                "unknown tenant",
                () -> login(Map.of("username", "kim", "password", WRONG, "tenant_id", "no-such-tenant")));
        assertAlike("POST /auth/login", baseline, kinds);
        Counted right = counted(() -> login(Map.of("username", "kim", "password", PASSWORD)));
        assertEquals(200, right.reply.status(), right.reply.raw().body());
        check("POST /auth/login right password: 1 hash", right.hashes == 1, right.hashes + " hashes");
        assertNoViolations();
    }

    @Test
    void everyTokenEndpointAttemptCostsOneHashAndGetsTheSameAnswer() {
        Counted baseline = counted(() -> Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "kim", WRONG));
        assertEquals(401, baseline.reply.status(), baseline.reply.raw().body());
        Map<String, Supplier<Http.Reply>> kinds = new LinkedHashMap<>();
        kinds.put("unknown user", () -> Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "nobody", WRONG));
        kinds.put("disabled user", () -> Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "sleepy", PASSWORD));
        kinds.put("locked user", () -> Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "lou", PASSWORD));
        assertAlike("token endpoint (password grant)", baseline, kinds);
        assertNoViolations();
    }

    @Test
    void everyChangePasswordAttemptCostsOneHashAndGetsTheSameAnswer() {
        Counted baseline = counted(() -> changePassword(
                api, Map.of("username", "kim", "current_password", WRONG, "new_password", "New-Pass456")));
        assertEquals(401, baseline.reply.status(), baseline.reply.raw().body());
        Map<String, Supplier<Http.Reply>> kinds = new LinkedHashMap<>();
        kinds.put(
                "unknown user",
                () -> changePassword(
                        api, Map.of("username", "nobody", "current_password", WRONG, "new_password", "New-Pass456")));
        kinds.put(
                "disabled user",
                () -> changePassword(
                        api,
                        Map.of("username", "sleepy", "current_password", PASSWORD, "new_password", "New-Pass456")));
        kinds.put(
                "locked user",
                () -> changePassword(
                        api, Map.of("username", "lou", "current_password", PASSWORD, "new_password", "New-Pass456")));
        kinds.put(
                "unknown tenant",
                () -> changePassword(
                        api,
                        Map.of(
                                "username",
                                "kim",
                                "current_password",
                                WRONG,
                                "new_password",
                                "New-Pass456",
                                "tenant_id",
                                "no-such-tenant")));
        assertAlike("POST /auth/change-password", baseline, kinds);
        assertNoViolations();
    }

    @Test
    void everyLoginPageAttemptCostsOneHash() {
        Counted wrong = countedPage(() -> new Browser(server).login(tenant, "kim", WRONG));
        assertEquals(200, wrong.reply.status(), "the form again");
        check("login page wrong password: 1 hash", wrong.hashes == 1, wrong.hashes + " hashes");
        for (String user : List.of("nobody", "lou")) {
            Counted other = countedPage(() -> new Browser(server).login(tenant, user, PASSWORD));
            check("login page " + user + ": 1 hash", other.hashes == 1, other.hashes + " hashes");
            check(
                    "login page " + user + ": same status",
                    other.reply.status() == wrong.reply.status(),
                    Integer.toString(other.reply.status()));
        }
        assertNoViolations();
    }

    @Test
    void registerChecksThePasswordPolicyFirstAndCostsTheSameForATakenName() {
        // a weak password: the same 400 whether the name is taken or not (the policy comes first)
        Counted free = counted(() -> register("newcomer", "newcomer@" + tenant + ".example", "weak"));
        Counted taken = counted(() -> register("kim", "kim@" + tenant + ".example", "weak"));
        assertEquals(400, free.reply.status(), free.reply.raw().body());
        compare("POST /auth/register weak password, taken vs free name", free, taken);

        // a good password: 201 or 409 (as the old API), each for one hash
        Counted created = counted(() -> register("newcomer", "newcomer@" + tenant + ".example", "Good-Pass456"));
        Counted conflict = counted(() -> register("kim", "kim2@" + tenant + ".example", "Good-Pass456"));
        assertEquals(201, created.reply.status(), created.reply.raw().body());
        assertEquals(409, conflict.reply.status(), conflict.reply.raw().body());
        check(
                "POST /auth/register 201 vs 409: equal hash counts",
                created.hashes == conflict.hashes,
                "201 cost " + created.hashes + " hashes, 409 cost " + conflict.hashes);
        assertNoViolations();
    }

    @Test
    void forgotPasswordAnswersAlikeForKnownAndUnknownAccounts() {
        Counted known = countedPage(() -> new Browser(server).forgotPassword(tenant, "kim"));
        Counted unknown = countedPage(() -> new Browser(server).forgotPassword(tenant, "nobody"));
        assertEquals(200, known.reply.status(), known.reply.raw().body());
        compare("forgot password (login page), known vs unknown", known, unknown);
        smtp.awaitMailTo(
                "kim@" + tenant + ".example", java.time.Duration.ofSeconds(20)); // the known one did get a mail
        assertNoViolations();
    }

    // ---------------------------------------------------------------- defect 4: the same limits for everyone

    @Test
    void changePasswordCountsUnknownNamesLikeKnownOnes() {
        String limited = limitedTenant(Map.of("max_failures", 10, "requests_per_username_per_minute", 4));
        String limitedApi = server.apiUrl(limited);
        Fixtures.createUser(server, Tokens.platformAdmin(server), limited, "kim", PASSWORD, true, "user");
        List<Integer> known = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            known.add(changePassword(
                            limitedApi,
                            Map.of("username", "kim", "current_password", WRONG, "new_password", "New-Pass456"))
                    .status());
            unknown.add(changePassword(
                            limitedApi,
                            Map.of("username", "nobody", "current_password", WRONG, "new_password", "New-Pass456"))
                    .status());
        }
        assertEquals(List.of(401, 401, 401, 401, 429), known, "known user");
        check(
                "change-password limits, known vs unknown",
                known.equals(unknown),
                "known " + known + ", unknown " + unknown);
        assertNoViolations();
    }

    @Test
    void loginsForAnUnknownTenantAreCountedAndLockedPerNameAndIp() throws Exception {
        // a lock answers like a wrong password, so the store itself is looked at: the test's own Redis
        String name = Fixtures.unique("ghost");
        String lockKey = "um:lo:{unknown-tenant:" + digest("name:" + name) + "}:l";
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(login(Map.of("username", name, "password", WRONG, "tenant_id", "no-such-tenant"))
                    .status());
        }
        check(
                "unknown tenant: no lock before the 5th failure is counted",
                statuses.equals(List.of(401, 401, 401, 401, 401)),
                statuses.toString());
        check(
                "unknown tenant: 5 failures of one name lock it (default settings)",
                "1".equals(server.redis().command("EXISTS " + lockKey)),
                "no lock key " + lockKey);
        Counted locked =
                counted(() -> login(Map.of("username", name, "password", WRONG, "tenant_id", "no-such-tenant")));
        check(
                "unknown tenant, locked name: the same 401",
                locked.reply.status() == 401,
                Integer.toString(locked.reply.status()));
        check("unknown tenant, locked name: 1 hash", locked.hashes == 1, locked.hashes + " hashes");
        String ipKeys = server.redis().command("EVAL \"return #redis.call('KEYS','um:rl:{unknown-tenant:*}:f')\" 0");
        check("unknown tenant: failures counted per client IP", !"0".equals(ipKeys), "no per-IP failure key");
        assertNoViolations();
    }

    /** The store's key digest of a name (128 bits of SHA-256, base64url), as {@code RedisLockoutStore} makes it. */
    private static String digest(String value) throws Exception {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
    }

    @Test
    void registerIsLimitedPerIdentifierAndPerIp() {
        String perName = limitedTenant(Map.of("requests_per_username_per_minute", 3));
        List<Integer> sameName = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sameName.add(Http.post(
                            server.apiUrl(perName) + "/auth/register",
                            null,
                            Map.of(
                                    "username",
                                    "newbie",
                                    "email",
                                    "newbie" + i + "@" + perName + ".example",
                                    "password",
                                    "weak"))
                    .status());
        }
        check(
                "register: 429 after 3 requests for one username",
                sameName.equals(List.of(400, 400, 400, 429)),
                sameName.toString());

        String perIp = limitedTenant(Map.of("requests_per_ip_per_minute", 3));
        List<Integer> sameIp = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sameIp.add(Http.post(
                            server.apiUrl(perIp) + "/auth/register",
                            null,
                            Map.of(
                                    "username",
                                    "newbie" + i,
                                    "email",
                                    "newbie" + i + "@" + perIp + ".example",
                                    "password",
                                    "weak"))
                    .status());
        }
        check(
                "register: 429 after 3 requests from one IP",
                sameIp.equals(List.of(400, 400, 400, 429)),
                sameIp.toString());
        assertNoViolations();
    }

    // ---------------------------------------------------------------- helpers

    private record Counted(Http.Reply reply, long hashes) {}

    private static Counted counted(Supplier<Http.Reply> request) {
        resetHashCount();
        Http.Reply reply = request.get();
        return new Counted(reply, hashCount());
    }

    private static Counted countedPage(Supplier<HttpResponse<String>> request) {
        resetHashCount();
        HttpResponse<String> page = request.get();
        return new Counted(new Http.Reply(page.statusCode(), page, 0), hashCount());
    }

    private static void resetHashCount() {
        hashCount();
    }

    /** The hashes since the last call (the server's count starts over). */
    private static long hashCount() {
        Http.Reply count = Http.get(server.baseUrl() + "/realms/" + tenant + "/hash-count");
        assertEquals(200, count.status(), count.raw().body());
        return Long.parseLong(count.raw().body().trim());
    }

    /** Each kind: one hash, as the baseline (a wrong password of an existing user); the same status and body. */
    private static void assertAlike(String endpoint, Counted baseline, Map<String, Supplier<Http.Reply>> kinds) {
        check(endpoint + " wrong password: 1 hash", baseline.hashes == 1, baseline.hashes + " hashes");
        kinds.forEach((kind, request) -> {
            Counted other = counted(request);
            check(endpoint + " " + kind + ": 1 hash", other.hashes == 1, other.hashes + " hashes");
            compare(endpoint + " " + kind + " vs wrong password", baseline, other);
        });
    }

    private static void compare(String what, Counted a, Counted b) {
        check(
                what + ": same status",
                a.reply.status() == b.reply.status(),
                a.reply.status() + " vs " + b.reply.status());
        check(
                what + ": same body",
                normalized(a.reply).equals(normalized(b.reply)),
                "\n" + normalized(a.reply) + "\nvs\n" + normalized(b.reply));
        check(what + ": same hash count", a.hashes == b.hashes, a.hashes + " vs " + b.hashes);
    }

    /**
     * The body without what differs per request anyway: query parameter values (session codes, tab ids, ...), the
     * login page's auth-session hash, and the name the form echoes back (the caller typed it).
     */
    private static String normalized(Http.Reply reply) {
        return reply.raw()
                .body()
                .replaceAll("([?&](?:amp;)?[A-Za-z_]+)=[^&\"'\\s]*", "$1=…")
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"…\"")
                .replaceAll("(name=\"username\" value=)\"[^\"]*\"", "$1\"…\"");
    }

    private static void check(String what, boolean ok, String detail) {
        checks++;
        if (!ok) {
            violations.add(what + ": " + detail);
        }
    }

    /** This test's violations: none. */
    private void assertNoViolations() {
        assertEquals(List.of(), violations.subList(violationsBefore, violations.size()));
    }

    private static Http.Reply login(Map<String, String> body) {
        return Http.post(api + "/auth/login", null, body);
    }

    private static Http.Reply changePassword(String base, Map<String, String> body) {
        return Http.post(base + "/auth/change-password", null, body);
    }

    private static Http.Reply register(String username, String email, String password) {
        return Http.post(
                api + "/auth/register", null, Map.of("username", username, "email", email, "password", password));
    }

    private static String limitedTenant(Map<String, Object> lockout) {
        String id = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("enumlim"), false);
        Map<String, Object> limits = new LinkedHashMap<>(Map.of(
                "failures_per_ip_per_minute",
                10_000,
                "requests_per_ip_per_minute",
                10_000,
                "requests_per_username_per_minute",
                10_000));
        limits.putAll(lockout);
        Fixtures.lockout(server, id, limits);
        return id;
    }
}
