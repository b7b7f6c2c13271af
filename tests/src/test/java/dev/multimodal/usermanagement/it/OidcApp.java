package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser app of a tenant, as a developer registers it: a public client (authorization code + PKCE) whose redirect
 * URI and web origin are a {@link LocalSite}. One login at a time: {@link #authorizationUrl} makes a new
 * verifier, state and nonce, {@link #exchange} redeems the code of the redirect that followed it.
 */
final class OidcApp {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakServer server;
    final String realm;
    final String clientId;
    final String redirectUri;
    private String verifier;
    private String state;
    String nonce;

    private OidcApp(KeycloakServer server, String realm, String clientId, String redirectUri) {
        this.server = server;
        this.realm = realm;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
    }

    /** Registers {@code clientId} through Keycloak's admin REST API, redirecting to and allowing the site's origin. */
    static OidcApp register(KeycloakServer server, String realm, String clientId, LocalSite site) {
        String redirectUri = site.origin() + "/callback";
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + realm + "/clients",
                Tokens.recentPlatformAdmin(server),
                Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        true,
                        "standardFlowEnabled",
                        true,
                        "directAccessGrantsEnabled",
                        false,
                        "redirectUris",
                        List.of(redirectUri),
                        "webOrigins",
                        List.of(site.origin()),
                        "attributes",
                        Map.of("pkce.code.challenge.method", "S256")));
        assertEquals(201, created.status(), created.raw().body());
        return new OidcApp(server, realm, clientId, redirectUri);
    }

    /** The authorization request (code, S256 PKCE, state, nonce) with extra parameters such as {@code ui_locales=de}. */
    String authorizationUrl(String... extra) {
        verifier = random();
        state = random();
        nonce = random();
        String challenge;
        try {
            challenge = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder url = new StringBuilder(
                server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                        + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirectUri) + "&state=" + state
                        + "&nonce=" + nonce
                        + "&code_challenge_method=S256&code_challenge=" + challenge);
        Arrays.stream(extra).forEach(parameter -> url.append('&').append(parameter));
        return url.toString();
    }

    /** Redeems the code of the redirect the browser arrived at; returns the token endpoint's answer. */
    JsonNode exchange(String callbackUrl) {
        Map<String, String> query = Arrays.stream(
                        URI.create(callbackUrl).getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
        assertEquals(state, query.get("state"), "the state sent with the request comes back: " + callbackUrl);
        Http.Reply tokens = Http.postForm(
                server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        clientId,
                        "redirect_uri",
                        redirectUri,
                        "code",
                        query.get("code"),
                        "code_verifier",
                        verifier));
        assertEquals(200, tokens.status(), tokens.raw().body());
        return tokens.json();
    }

    /** The token's claims once its signature checks out against the realm's published keys (an independent JOSE library). */
    JWTClaimsSet verify(String jwt) throws Exception {
        JWKSet keys = JWKSet.parse(Http.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/certs")
                .raw()
                .body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> {});
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        return processor.process(jwt, null);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
