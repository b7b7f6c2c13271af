package dev.multimodal.usermanagement.api;

import dev.multimodal.usermanagement.health.DatabaseProbe;
import dev.multimodal.usermanagement.health.HealthReport;
import dev.multimodal.usermanagement.redis.CacheStatus;
import dev.multimodal.usermanagement.redis.RedisClientProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import org.keycloak.models.KeycloakSession;

/** {@code GET /health}: 200 healthy or degraded (Redis down), 503 unhealthy (database down). */
public class HealthResource {

    /** Each dependency gets this long; both are asked at once, so the answer comes well under a second. */
    static final Duration CHECK_TIMEOUT = Duration.ofMillis(400);

    private final KeycloakSession session;
    private final String version;
    private final DatabaseProbe databaseProbe;

    HealthResource(KeycloakSession session, String version, DatabaseProbe databaseProbe) {
        this.session = session;
        this.version = version;
        this.databaseProbe = databaseProbe;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        CompletableFuture<Boolean> database = databaseProbe.start();
        CacheStatus cache = session.getProvider(RedisClientProvider.class).ping(CHECK_TIMEOUT);
        boolean databaseUp = databaseProbe.await(database, CHECK_TIMEOUT);

        HealthReport report = HealthReport.of(
                databaseUp,
                cache,
                version,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(databaseUp ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(noStore)
                .entity(report)
                .build();
    }
}
