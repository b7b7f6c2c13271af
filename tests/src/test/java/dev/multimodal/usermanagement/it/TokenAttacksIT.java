package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens an attacker would try, each on the bearer endpoints, and each refused: 401 problem+json when the token is not
 * a valid, live token of the realm; 403 when it is one, but of another tenant. Forgeries of every kind ({@code alg:
 * none}, HS256 keyed with the realm's public key as PEM, DER, certificate and JWK, tampered claims or signature, an
 * embedded or unknown key), claims a realm-trusted key signs but that are wrong (expired, not yet valid, issued in the
 * future, wrong issuer, audience, type or client), tokens of the wrong kind (ID, refresh, other clients' refresh tokens on
 * {@code POST /auth/refresh}) and tokens that were valid until logout, disable, password reset or tenant disable.
 *
 * <p>The claim checks use a key the test adds to the tenant (an {@code rsa} key provider through the admin API, lower
 * priority than the realm's own): a token with every claim right and signed by it is accepted (the control), so each
 * refusal is for the one claim that changed.
 */
class TokenAttacksIT {

    private static final List<String> BEARER_ENDPOINTS =
            List.of("GET /users/me", "GET /users", "GET /users/me/sessions");

    private static KeycloakServer server;
    private static String platformToken;
    private static String tenant;
    private static String other;
    private static String adminToken;
    private static RSAKey trustedKey;

    private static int totalAttacks;
    private static int totalViolations;
    private final List<String> violations = new ArrayList<>();
    private int attacks;

    @BeforeAll
    static void world() throws Exception {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
        tenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("tka"), false);
        other = Fixtures.createTenant(server, platformToken, Fixtures.unique("tkb"), false);
        for (String realm : List.of(tenant, other)) {
            SecurityFixtures.raiseLimits(server, platformToken, realm);
        }
        Supplier<String> platform = () -> platformToken;
        SecurityFixtures.user(
                server, platform, tenant, "tk-admin", SecurityFixtures.tenantRole(server, platform, tenant, "admin"));
        SecurityFixtures.user(
                server, platform, other, "tk-admin", SecurityFixtures.tenantRole(server, platform, other, "admin"));
        adminToken = Tokens.password(server, tenant, "tk-admin", SecurityFixtures.PASSWORD);
        trustedKey = addTrustedKey(tenant);
    }

    // ---------------------------------------------------------------- forgeries

    @Test
    void forgedAndTamperedTokensAreRefused() throws Exception {
        String genuine = adminToken;
        assertAccepted("the genuine token", genuine);
        String[] parts = genuine.split("\\.");
        String payload = parts[1];

        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
            expect401("alg " + alg + ", no signature", header + "." + payload + ".");
            expect401("alg " + alg + ", the original signature", header + "." + payload + "." + parts[2]);
            expect401("alg " + alg + ", two segments", header + "." + payload);
        }
        expect401("alg absent", b64("{\"typ\":\"JWT\"}") + "." + payload + ".");

        JsonNode jwks = Http.get(server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/certs")
                .json();
        RSAKey realmKey = (RSAKey) JWKSet.parse(jwks.toString()).getKeys().stream()
                .filter(key -> key instanceof RSAKey
                        && "sig"
                                .equals(
                                        key.getKeyUse() == null
                                                ? "sig"
                                                : key.getKeyUse().identifier()))
                .findFirst()
                .orElseThrow();
        byte[] der = realmKey.toRSAPublicKey().getEncoded();
        String derBase64 = Base64.getEncoder().encodeToString(der);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        String certificate = realmKey.getX509CertChain().get(0).toString();
        String certificatePem = "-----BEGIN CERTIFICATE-----\n" + certificate + "\n-----END CERTIFICATE-----\n";
        Map<String, byte[]> secrets = new java.util.LinkedHashMap<>();
        secrets.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        secrets.put("PEM without the last newline", pem.strip().getBytes(StandardCharsets.US_ASCII));
        secrets.put("DER as base64", derBase64.getBytes(StandardCharsets.US_ASCII));
        secrets.put("DER bytes", der);
        secrets.put("certificate (x5c)", certificate.getBytes(StandardCharsets.US_ASCII));
        secrets.put("certificate PEM", certificatePem.getBytes(StandardCharsets.US_ASCII));
        secrets.put("JWK JSON", realmKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        secrets.put("JWKS JSON", jwks.toString().getBytes(StandardCharsets.UTF_8));
        JWTClaimsSet claims =
                JWTClaimsSet.parse(SecurityFixtures.claims(genuine).toString());
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
                if (alg == JWSAlgorithm.HS512 && secret.getValue().length < 64) {
                    continue;
                }
                SignedJWT hmac = new SignedJWT(
                        new JWSHeader.Builder(alg)
                                .keyID(realmKey.getKeyID())
                                .type(JOSEObjectType.JWT)
                                .build(),
                        claims);
                hmac.sign(new MACSigner(secret.getValue()));
                expect401(alg + " keyed with the realm's public key, " + secret.getKey(), hmac.serialize());
            }
        }

        // tampered claims under the original signature
        for (Map.Entry<String, Object> change : Map.<String, Object>of(
                        "roles",
                        List.of("admin", "moderator", "user", "guest", "tenants:manage"),
                        "tenant_id",
                        other,
                        "sub",
                        UUID.randomUUID().toString(),
                        "exp",
                        claims.getExpirationTime().getTime() / 1000 + 86_400,
                        "iss",
                        server.baseUrl() + "/realms/" + other,
                        "azp",
                        "admin-cli")
                .entrySet()) {
            ObjectNode changed = (ObjectNode) SecurityFixtures.claims(genuine);
            changed.set(change.getKey(), Http.tree(change.getValue()));
            expect401(
                    "payload " + change.getKey() + " changed, signature kept",
                    parts[0] + "." + b64(changed.toString()) + "." + parts[2]);
        }
        String signature = parts[2];
        char last = signature.charAt(signature.length() - 2);
        expect401(
                "signature with one character changed",
                parts[0] + "." + payload + "." + signature.substring(0, signature.length() - 2)
                        + (last == 'A' ? 'B' : 'A') + signature.charAt(signature.length() - 1));
        expect401(
                "signature truncated", parts[0] + "." + payload + "." + signature.substring(0, signature.length() / 2));
        expect401("signature empty", parts[0] + "." + payload + ".");
        expect401(
                "signature of another token",
                parts[0] + "." + payload + "."
                        + Tokens.password(server, other, "tk-admin", SecurityFixtures.PASSWORD)
                                .split("\\.")[2]);

        // our own key: with the realm's kid, with an unknown kid, embedded in the header (jwk), by URL (jku)
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(realmKey.getKeyID()).generate();
        expect401(
                "signed by another key under the realm's kid",
                sign(
                        attacker,
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(realmKey.getKeyID())
                                .type(JOSEObjectType.JWT),
                        claims));
        expect401(
                "signed by another key, unknown kid",
                sign(
                        attacker,
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID("attacker")
                                .type(JOSEObjectType.JWT),
                        claims));
        expect401(
                "signed by another key embedded as jwk",
                sign(
                        attacker,
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .jwk(attacker.toPublicJWK())
                                .type(JOSEObjectType.JWT),
                        claims));
        expect401(
                "signed by another key named by jku",
                sign(
                        attacker,
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .jwkURL(java.net.URI.create("http://attacker.example/jwks"))
                                .keyID("attacker")
                                .type(JOSEObjectType.JWT),
                        claims));

        expect401("not a JWT", "not-a-token");
        expect401("empty segments", "..");
        expect401("garbage base64", "eyJ!!!.eyJ@@@.###");
        expect401("a 16 KiB token", "a".repeat(16 * 1024));
        report("forged and tampered tokens");
    }

    /** Tokens a realm-trusted key signs, each with one claim wrong; the control with every claim right is accepted. */
    @Test
    void claimsAreCheckedNotOnlyTheSignature() throws Exception {
        JWTClaimsSet genuine =
                JWTClaimsSet.parse(SecurityFixtures.claims(adminToken).toString());
        long now = System.currentTimeMillis();
        assertAccepted("control: every claim right, signed by the realm-trusted test key", trusted(genuine));
        expect401(
                "expired an hour ago",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .issueTime(new Date(now - 7_200_000))
                        .expirationTime(new Date(now - 3_600_000))
                        .build()));
        expect401(
                "expired a minute ago",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .expirationTime(new Date(now - 60_000))
                        .build()));
        expect401(
                "not before an hour from now",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .notBeforeTime(new Date(now + 3_600_000))
                        .build()));
        expect401(
                "issuer on another host",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .issuer("http://evil.example/realms/" + tenant)
                        .build()));
        expect401(
                "issuer with a path suffix",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .issuer(server.baseUrl() + "/realms/" + tenant + "/x")
                        .build()));
        expect401(
                "issuer of another tenant",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .issuer(server.baseUrl() + "/realms/" + other)
                        .build()));
        expect401(
                "audience of another service only",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .audience("another-service")
                        .claim("azp", "another-service")
                        .build()));
        expect401(
                "type ID",
                trusted(new JWTClaimsSet.Builder(genuine).claim("typ", "ID").build()));
        expect401(
                "type Refresh",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .claim("typ", "Refresh")
                        .build()));
        expect401(
                "session that does not exist",
                trusted(new JWTClaimsSet.Builder(genuine)
                        .claim("sid", UUID.randomUUID().toString())
                        .build()));
        report("claims under a trusted key");
    }

    // ---------------------------------------------------------------- tokens of the wrong kind or tenant

    @Test
    void tokensOfTheWrongKindClientOrTenantAreRefused() {
        Http.Reply grant =
                Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "tk-admin", SecurityFixtures.PASSWORD);
        assertEquals(200, grant.status(), grant.raw().body());
        String idToken = grant.json().path("id_token").asText();
        String refreshToken = grant.json().path("refresh_token").asText();
        expect401("ID token as bearer", idToken);
        expect401("refresh token as bearer", refreshToken);

        Http.Reply adminCli = Tokens.passwordGrant(server, tenant, "admin-cli", "tk-admin", SecurityFixtures.PASSWORD);
        assertEquals(200, adminCli.status(), adminCli.raw().body());
        String api = server.apiUrl(tenant);
        expectRefresh(
                "refresh token of admin-cli (another client of the tenant)",
                api,
                adminCli.json().path("refresh_token").asText(),
                401);
        expectRefresh("ID token as refresh token", api, idToken, 401);
        expectRefresh(
                "access token as refresh token",
                api,
                grant.json().path("access_token").asText(),
                401);
        Http.Reply masterGrant = Tokens.passwordGrant(server, "master", "admin-cli", "admin", "admin");
        expectRefresh(
                "refresh token of the platform realm's admin-cli",
                api,
                masterGrant.json().path("refresh_token").asText(),
                401);
        expectRefresh(
                "refresh token with a tampered payload",
                api,
                tamper(refreshToken, "azp", Tokens.API_CLIENT + "x"),
                401);

        String otherToken = Tokens.password(server, other, "tk-admin", SecurityFixtures.PASSWORD);
        // logout last: were it wrongly accepted, it would end the token for the others
        for (String endpoint :
                List.of("GET /users/me", "GET /users", "GET /users/me/sessions", "GET /audit", "POST /auth/logout")) {
            expect(endpoint + " with another tenant's token", api, endpoint, otherToken, 403);
        }
        report("tokens of the wrong kind, client or tenant");
    }

    // ---------------------------------------------------------------- revoked tokens

    @Test
    void tokensStopWorkingAfterLogoutDisablePasswordResetAndTenantDisable() {
        Supplier<String> platform = () -> platformToken;
        String api = server.apiUrl(tenant);
        JsonNode userRole = SecurityFixtures.tenantRole(server, platform, tenant, "user");

        JsonNode loggedOut = apiLogin(tenant, account(tenant, "tk-logout", userRole));
        assertEquals(
                204,
                Http.post(api + "/auth/logout", loggedOut.path("access_token").asText(), Map.of())
                        .status());
        expectRevoked("after logout", tenant, loggedOut);

        JsonNode disabled = apiLogin(tenant, account(tenant, "tk-disabled", userRole));
        assertEquals(
                200,
                Http.put(api + "/users/" + userId(tenant, "tk-disabled"), adminToken, Map.of("is_active", false))
                        .status());
        expectRevoked("after the user was disabled", tenant, disabled);

        JsonNode reset = apiLogin(tenant, account(tenant, "tk-reset", userRole));
        assertEquals(
                204,
                Http.post(
                                api + "/users/" + userId(tenant, "tk-reset") + "/reset-password",
                                adminToken,
                                Map.of("temporary_password", "Temp-Pass123"))
                        .status());
        expectRevoked("after an admin password reset", tenant, reset);

        JsonNode changed = apiLogin(tenant, account(tenant, "tk-changed", userRole));
        JsonNode current = apiLogin(tenant, "tk-changed");
        assertEquals(
                204,
                Http.post(
                                api + "/users/me/change-password",
                                current.path("access_token").asText(),
                                Map.of("current_password", SecurityFixtures.PASSWORD, "new_password", "Other-Pass456"))
                        .status());
        expectRevoked("(another session) after the user's own password change", tenant, changed);

        JsonNode sessionsEnded = apiLogin(tenant, account(tenant, "tk-ended", userRole));
        assertEquals(
                204,
                Http.delete(api + "/users/" + userId(tenant, "tk-ended") + "/sessions", adminToken)
                        .status());
        expectRevoked("after an admin ended the user's sessions", tenant, sessionsEnded);

        String disabledTenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("tkd"), false);
        account(disabledTenant, "tk-user", SecurityFixtures.tenantRole(server, platform, disabledTenant, "user"));
        JsonNode tenantToken = apiLogin(disabledTenant, "tk-user");
        assertEquals(
                204,
                Http.delete(server.apiUrl("master") + "/tenants/" + disabledTenant, platformToken)
                        .status());
        expectRevoked("after the tenant was disabled", disabledTenant, tenantToken);
        report("revoked tokens");
    }

    // ---------------------------------------------------------------- helpers

    private void expect401(String attack, String token) {
        for (String endpoint : BEARER_ENDPOINTS) {
            expect(attack, server.apiUrl(tenant), endpoint, token, 401);
        }
    }

    private void expectRevoked(String when, String realm, JsonNode tokens) {
        String api = server.apiUrl(realm);
        for (String endpoint : List.of("GET /users/me", "GET /users/me/sessions", "POST /auth/logout")) {
            expect(
                    "access token " + when,
                    api,
                    endpoint,
                    tokens.path("access_token").asText(),
                    401);
        }
        expectRefresh("refresh token " + when, api, tokens.path("refresh_token").asText(), 401);
    }

    private void expect(String attack, String api, String endpoint, String token, int status) {
        attacks++;
        String[] verbPath = endpoint.split(" ", 2);
        Http.Reply reply = verbPath[0].equals("GET")
                ? Http.get(api + verbPath[1], token)
                : Http.post(api + verbPath[1], token, Map.of());
        check(attack + ": " + endpoint, reply, Set.of(status));
    }

    private void expectRefresh(String attack, String api, String refreshToken, int status) {
        attacks++;
        check(
                attack + ": POST /auth/refresh",
                Http.post(api + "/auth/refresh", null, Map.of("refresh_token", refreshToken)),
                Set.of(status));
    }

    private void check(String what, Http.Reply reply, Set<Integer> statuses) {
        if (!statuses.contains(reply.status())) {
            violations.add(what + " -> " + reply.status() + " (expected " + statuses + ") "
                    + abbreviate(reply.raw().body()));
        } else if (!SecurityFixtures.isProblem(reply)) {
            violations.add(
                    what + " -> " + reply.status() + " but " + reply.header("Content-Type") + ", not problem+json");
        }
    }

    private void assertAccepted(String what, String token) {
        Http.Reply reply = Http.get(server.apiUrl(tenant) + "/users/me", token);
        assertEquals(
                200,
                reply.status(),
                what + " must be accepted, else the refusals prove nothing: "
                        + reply.raw().body());
    }

    @AfterAll
    static void summary() {
        System.out.printf("[security] token attacks: %d attacks, %d violations%n", totalAttacks, totalViolations);
    }

    private void report(String kind) {
        totalAttacks += attacks;
        totalViolations += violations.size();
        System.out.printf("[it] token attacks (%s): %d attacks, %d violations%n", kind, attacks, violations.size());
        violations.forEach(violation -> System.out.println("[security] token attack violation: " + violation));
        assertEquals(
                List.of(),
                violations,
                violations.size() + " of " + attacks + " token attacks were not refused as expected");
    }

    private static String account(String realm, String username, JsonNode role) {
        SecurityFixtures.user(server, () -> platformToken, realm, username, role);
        return username;
    }

    private static String userId(String realm, String username) {
        return Http.get(
                        server.baseUrl() + "/admin/realms/" + realm + "/users?exact=true&username=" + username,
                        platformToken)
                .json()
                .get(0)
                .path("id")
                .asText();
    }

    private static JsonNode apiLogin(String realm, String username) {
        Http.Reply reply = Fixtures.apiLogin(server, realm, username, SecurityFixtures.PASSWORD);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    private static String abbreviate(String text) {
        String flat = text.replace("\n", " ");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String tamper(String jwt, String claim, String value) {
        String[] parts = jwt.split("\\.");
        ObjectNode claims = (ObjectNode) SecurityFixtures.claims(jwt);
        claims.put(claim, value);
        return parts[0] + "." + b64(claims.toString()) + "." + parts[2];
    }

    private static String sign(RSAKey key, JWSHeader.Builder header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String trusted(JWTClaimsSet claims) throws Exception {
        return sign(
                trustedKey,
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(trustedKey.getKeyID())
                        .type(JOSEObjectType.JWT),
                claims);
    }

    /**
     * Adds an RSA key of the test's own to the realm (Keycloak's {@code rsa} key provider, priority below the realm's
     * generated key, so the realm keeps signing with its own) and answers it with the kid Keycloak gave it.
     */
    private static RSAKey addTrustedKey(String realm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair pair = generator.generateKeyPair();
        String privatePem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----";
        String realmId = Http.get(server.baseUrl() + "/admin/realms/" + realm, platformToken)
                .json()
                .path("id")
                .asText();
        Http.Reply added = Http.post(
                server.baseUrl() + "/admin/realms/" + realm + "/components",
                platformToken,
                Map.of(
                        "name",
                        "token-attacks-test-key",
                        "providerId",
                        "rsa",
                        "providerType",
                        "org.keycloak.keys.KeyProvider",
                        "parentId",
                        realmId,
                        "config",
                        Map.of(
                                "priority",
                                List.of("1"),
                                "enabled",
                                List.of("true"),
                                "active",
                                List.of("true"),
                                "privateKey",
                                List.of(privatePem),
                                "algorithm",
                                List.of("RS256"))));
        assertEquals(201, added.status(), "test key not added: " + added.raw().body());
        String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        JsonNode keys = Http.get(server.baseUrl() + "/admin/realms/" + realm + "/keys", platformToken)
                .json()
                .path("keys");
        for (JsonNode key : keys) {
            if (publicKey.equals(key.path("publicKey").asText())) {
                return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                        .privateKey((RSAPrivateKey) pair.getPrivate())
                        .keyID(key.path("kid").asText())
                        .build();
            }
        }
        throw new AssertionError("the test key is not among the realm's keys: " + keys);
    }
}
