package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The frequent reads a tenant chooses to record (here userinfo) are written behind their request, in batches: every
 * answered call still has exactly one row, also when its node is stopped right after the last answer (a stopping
 * server writes what it has queued before the database goes).
 */
class AuditWriteBehindIT {

    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 60;

    @Test
    void everyUserinfoCallHasItsRowAlsoWhenItsNodeStopsRightAfter() throws Exception {
        KeycloakServer first = KeycloakServer.get();
        AuditSupport audit = new AuditSupport(first);
        AuditSupport.Tenant tenant = audit.tenant("behind");
        audit.user(tenant, "alice");
        Http.Reply chosen = Http.put(
                AuditSupport.settings(tenant),
                tenant.bossToken(),
                Map.of("audit_event_types", List.of("LOGIN", "USER_INFO_REQUEST")));
        assertEquals(200, chosen.status(), chosen.raw().body());

        try (KeycloakServer node = KeycloakServer.startNode("write-behind", List.of())) {
            Http.Reply login = AuditSupport.login(node.apiUrl(tenant.id()), "alice", AuditSupport.PASSWORD);
            assertEquals(200, login.status(), login.raw().body());
            String token = login.json().path("access_token").asText();
            String userinfo = node.baseUrl() + "/realms/" + tenant.id() + "/protocol/openid-connect/userinfo";
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> answered = pool.invokeAll(Collections.nCopies(THREADS, () -> {
                    int ok = 0;
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        Http.Reply reply = Http.get(userinfo, token);
                        assertEquals(200, reply.status(), reply.raw().body());
                        ok++;
                    }
                    return ok;
                }));
                int total = 0;
                for (Future<Integer> each : answered) {
                    total += each.get();
                }
                assertEquals(THREADS * CALLS_PER_THREAD, total);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        } // SIGTERM to the node right after its last answer

        assertEquals(
                THREADS * CALLS_PER_THREAD,
                audit.number(
                        "SELECT COUNT(*) FROM UM_AUDIT WHERE REALM_ID = ? AND TYPE = 'USER_INFO_REQUEST'",
                        tenant.realmId()),
                "one row per answered userinfo call, none lost at the stop, none twice");
        assertEquals(true, audit.verify(tenant).path("valid").asBoolean(), "and the sealer chains them");
    }
}
