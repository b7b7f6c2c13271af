package dev.multimodal.usermanagement.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the scenarios need on the server, made through the admin REST API and ours (not measured). */
final class Fixture {

    static final String PASSWORD = "BenchPass2026x";
    static final String API_CLIENT = "user-management-api";
    static final String OUR_FLOW = "user-management direct grant";
    static final String STEP = "lockout-rate-limit";
    static final String STOCK_COPY = "bench stock direct grant";

    private final Http http;

    Fixture(Http http) {
        this.http = http;
    }

    String adminUrl(String realm, String path) {
        return "/admin/realms/" + realm + path;
    }

    /** A tenant through POST /tenants (the tenant template, its flows and first admin); an existing one is kept. */
    void tenant(String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "Benchmark " + id);
        body.put("admin_email", "admin@" + id + ".bench.test");
        body.put("admin_username", id + "-admin");
        body.put("admin_password", "Bench-Admin-2026x");
        http.postJson("/realms/master/api/v1/tenants", body, http.admin()).expect("create tenant " + id, 201, 409);
    }

    /**
     * Raises the realm's lockout step limits (per username, per IP, failures per IP) so they never refuse the load;
     * maxFailures too when accountsMayLock is false (wrong passwords of the enumeration scenario).
     */
    String raiseLimits(String realm, boolean accountsMayLock) {
        JsonNode step = execution(realm, OUR_FLOW, STEP);
        Map<String, String> config = new LinkedHashMap<>();
        String configId = step.path("authenticationConfig").asText(null);
        String alias = "bench-" + realm;
        if (configId != null) {
            JsonNode current = http.get(adminUrl(realm, "/authentication/config/" + configId), http.admin())
                    .expect("step config", 200)
                    .json();
            alias = current.path("alias").asText(alias);
            current.path("config")
                    .fields()
                    .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        }
        config.put("requestsPerUsernamePerMinute", "1000000");
        config.put("requestsPerIpPerMinute", "1000000");
        config.put("failuresPerIpPerMinute", "1000000");
        if (!accountsMayLock) {
            config.put("maxFailures", "1000000");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alias", alias);
        body.put("config", config);
        if (configId != null) {
            body.put("id", configId);
            http.putJson(adminUrl(realm, "/authentication/config/" + configId), body, http.admin())
                    .expect("update step config", 204);
        } else {
            http.postJson(
                            adminUrl(
                                    realm,
                                    "/authentication/executions/"
                                            + step.get("id").asText() + "/config"),
                            body,
                            http.admin())
                    .expect("create step config", 201);
        }
        return realm + ": " + config;
    }

    JsonNode execution(String realm, String flow, String providerId) {
        for (JsonNode e : http.get(
                        adminUrl(realm, "/authentication/flows/" + Http.enc(flow) + "/executions"), http.admin())
                .expect("executions of " + flow, 200)
                .json()) {
            if (providerId.equals(e.path("providerId").asText())) {
                return e;
            }
        }
        throw new IllegalStateException("no " + providerId + " in '" + flow + "' of realm " + realm);
    }

    String flowId(String realm, String alias) {
        for (JsonNode f : http.get(adminUrl(realm, "/authentication/flows"), http.admin())
                .expect("flows", 200)
                .json()) {
            if (alias.equals(f.path("alias").asText())) {
                return f.get("id").asText();
            }
        }
        throw new IllegalStateException("no flow '" + alias + "' in realm " + realm);
    }

    /** Keycloak's built-in "direct grant", copied and reduced to username validation + password (no OTP sub-flow). */
    String stockDirectGrant(String realm) {
        http.postJson(
                        adminUrl(realm, "/authentication/flows/direct%20grant/copy"),
                        Map.of("newName", STOCK_COPY),
                        http.admin())
                .expect("copy of direct grant", 201, 409);
        String executions = adminUrl(realm, "/authentication/flows/" + Http.enc(STOCK_COPY) + "/executions");
        for (JsonNode e :
                http.get(executions, http.admin()).expect("executions", 200).json()) {
            if (e.path("authenticationFlow").asBoolean() && e.path("level").asInt() == 0) {
                http.delete(
                                adminUrl(
                                        realm,
                                        "/authentication/executions/"
                                                + e.get("id").asText()),
                                http.admin())
                        .expect("remove sub-flow", 204);
            }
        }
        List<String> steps = new ArrayList<>();
        for (JsonNode e :
                http.get(executions, http.admin()).expect("executions", 200).json()) {
            steps.add(e.path("providerId").asText());
        }
        if (!steps.equals(List.of("direct-grant-validate-username", "direct-grant-validate-password"))) {
            throw new IllegalStateException(
                    "'" + STOCK_COPY + "' is " + steps + ", expected username validation + password");
        }
        return flowId(realm, STOCK_COPY);
    }

    /** A public client with direct grants and the given direct-grant flow override (null: the realm's binding). */
    void directGrantClient(String realm, String clientId, String flowId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientId", clientId);
        body.put("publicClient", true);
        body.put("directAccessGrantsEnabled", true);
        body.put("standardFlowEnabled", false);
        if (flowId != null) {
            body.put("authenticationFlowBindingOverrides", Map.of("direct_grant", flowId));
        }
        http.postJson(adminUrl(realm, "/clients"), body, http.admin()).expect("client " + clientId, 201, 409);
    }

    /** prefix-001.. with the benchmark password (not temporary) and, when role is set, that realm role. */
    List<String> users(String realm, String prefix, int count, String role) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(String.format(Locale.ROOT, "%s-%03d", prefix, i));
        }
        String roleRef = role == null
                ? null
                : "["
                        + Http.json(http.get(adminUrl(realm, "/roles/" + role), http.admin())
                                .expect("role " + role, 200)
                                .json())
                        + "]";
        parallel(count, i -> {
            String u = names.get(i);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", u);
            body.put("email", u + "@bench.example.com");
            body.put("firstName", "Bench");
            body.put("lastName", "User");
            body.put("enabled", true);
            body.put("emailVerified", true);
            body.put("credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
            int status = http.postJson(adminUrl(realm, "/users"), body, http.admin())
                    .expect("create " + u, 201, 409)
                    .status();
            if (roleRef != null && status == 201) {
                String id = http.get(adminUrl(realm, "/users?exact=true&username=" + Http.enc(u)), http.admin())
                        .expect("find " + u, 200)
                        .json()
                        .get(0)
                        .get("id")
                        .asText();
                http.send(
                                "POST",
                                adminUrl(realm, "/users/" + id + "/role-mappings/realm"),
                                "application/json",
                                roleRef,
                                http.admin())
                        .expect("role of " + u, 204);
            }
        });
        return names;
    }

    /** The realm's event listeners, e.g. without "audit" for the audit-off side. */
    void eventListeners(String realm, List<String> listeners) {
        ObjectNode body = Http.JSON.createObjectNode();
        body.set("eventsListeners", Http.JSON.valueToTree(listeners));
        http.putJson(adminUrl(realm, ""), body, http.admin()).expect("event listeners of " + realm, 204);
    }

    /** Keycloak's own event store ("Save events" in the console) on or off. */
    void keycloakEventStore(String realm, boolean on) {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("eventsEnabled", on);
        http.putJson(adminUrl(realm, ""), body, http.admin()).expect("Save events of " + realm, 204);
    }

    /** Every user event type this Keycloak knows (server info). */
    List<String> allEventTypes() {
        List<String> types = new ArrayList<>();
        http.get("/admin/serverinfo", http.admin())
                .expect("server info", 200)
                .json()
                .path("enums")
                .path("eventType")
                .forEach(t -> types.add(t.asText()));
        return types;
    }

    /** PUT /tenants/{id}/settings with one field; the answer (a 400 means this server lacks the setting). */
    Http.Answer tenantSetting(String tenant, String field, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(field, value);
        return http.putJson("/realms/master/api/v1/tenants/" + tenant + "/settings", body, http.admin());
    }

    /** A token pair of the user through the token endpoint of the realm (client user-management-api). */
    JsonNode passwordGrant(String realm, String client, String username) {
        return http.postForm(
                        "/realms/" + realm + "/protocol/openid-connect/token",
                        "grant_type=password&scope=openid&client_id=" + client + "&username=" + Http.enc(username)
                                + "&password=" + PASSWORD)
                .expect("login of " + username, 200)
                .json();
    }

    interface IndexTask {
        void run(int i) throws Exception;
    }

    /** task(0..n-1) on 4 threads; the first failure is thrown. */
    static void parallel(int n, IndexTask task) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }
}
