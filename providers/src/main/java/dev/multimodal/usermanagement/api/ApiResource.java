package dev.multimodal.usermanagement.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multimodal.usermanagement.api.audit.AuditResource;
import dev.multimodal.usermanagement.api.auth.AuthResource;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.error.UnknownRoute;
import dev.multimodal.usermanagement.api.openapi.OpenApiResource;
import dev.multimodal.usermanagement.api.openapi.SwaggerUiResource;
import dev.multimodal.usermanagement.api.tenants.TenantsResource;
import dev.multimodal.usermanagement.api.users.UsersResource;
import dev.multimodal.usermanagement.health.DatabaseProbe;
import dev.multimodal.usermanagement.tenant.TenantResolver;
import dev.multimodal.usermanagement.tenant.TenantTemplate;
import jakarta.ws.rs.Path;
import java.util.function.Supplier;
import org.keycloak.models.KeycloakSession;

/** Root of the API; one sub-resource per area. */
public class ApiResource {

    private final KeycloakSession session;
    private final String version;
    private final DatabaseProbe databaseProbe;
    private final TenantTemplate template;
    private final String platformRealm;
    private final Supplier<ObjectNode> openApi;

    ApiResource(
            KeycloakSession session,
            String version,
            DatabaseProbe databaseProbe,
            TenantTemplate template,
            String platformRealm,
            Supplier<ObjectNode> openApi) {
        this.openApi = openApi;
        this.session = session;
        this.version = version;
        this.databaseProbe = databaseProbe;
        this.template = template;
        this.platformRealm = platformRealm;
    }

    @Path("v1/openapi.json")
    public OpenApiResource openapi() {
        return new OpenApiResource(openApi.get());
    }

    @Path("v1/docs")
    public SwaggerUiResource docs() {
        return new SwaggerUiResource();
    }

    @Path("v1/health")
    public HealthResource health() {
        return new HealthResource(session, version, databaseProbe);
    }

    @Path("v1/auth")
    public AuthResource auth() {
        return new AuthResource(
                session, new BearerAuth(session, platformRealm), new TenantResolver(session, platformRealm));
    }

    @Path("v1/users")
    public UsersResource users() {
        return new UsersResource(session, new BearerAuth(session, platformRealm));
    }

    @Path("v1/tenants")
    public TenantsResource tenants() {
        return new TenantsResource(session, new BearerAuth(session, platformRealm), template, platformRealm);
    }

    @Path("v1/audit")
    public AuditResource audit() {
        return new AuditResource(session, new BearerAuth(session, platformRealm));
    }

    /** Any other path: a 404 problem for every method (literal paths above always match first). */
    @Path("{unknown: .*}")
    public UnknownRoute unknown() {
        return new UnknownRoute();
    }
}
