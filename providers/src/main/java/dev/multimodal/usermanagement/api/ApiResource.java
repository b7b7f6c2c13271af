package dev.multimodal.usermanagement.api;

import dev.multimodal.usermanagement.health.DatabaseProbe;
import jakarta.ws.rs.Path;
import org.keycloak.models.KeycloakSession;

/** Root of the API; one sub-resource per area. */
public class ApiResource {

    private final KeycloakSession session;
    private final String version;
    private final DatabaseProbe databaseProbe;

    ApiResource(KeycloakSession session, String version, DatabaseProbe databaseProbe) {
        this.session = session;
        this.version = version;
        this.databaseProbe = databaseProbe;
    }

    @Path("v1/health")
    public HealthResource health() {
        return new HealthResource(session, version, databaseProbe);
    }
}
