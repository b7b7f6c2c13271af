package dev.multimodal.usermanagement.api.tenants;

import dev.multimodal.usermanagement.api.auth.AdminActions;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.Paging;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.tenant.Tenant;
import dev.multimodal.usermanagement.tenant.TenantRegistry;
import dev.multimodal.usermanagement.tenant.TenantService;
import dev.multimodal.usermanagement.tenant.TenantSlugs;
import dev.multimodal.usermanagement.tenant.TenantTemplate;
import dev.multimodal.usermanagement.user.UserAccounts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;

/** {@code /tenants}: platform admins create and list tenants; {@code /tenants/{id}} goes to {@link TenantResource}. */
@Produces(MediaType.APPLICATION_JSON)
public class TenantsResource {

    private final KeycloakSession session;
    private final BearerAuth auth;
    private final TenantTemplate template;
    private final String platformRealm;

    public TenantsResource(KeycloakSession session, BearerAuth auth, TenantTemplate template, String platformRealm) {
        this.session = session;
        this.auth = auth;
        this.template = template;
        this.platformRealm = platformRealm;
    }

    @POST
    public Response create(@Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = requirePlatformAdmin(auth.authenticate());
            TenantRepresentations.CreateTenant request =
                    JsonBodies.read(headers, body, TenantRepresentations.CreateTenant.class);
            String id = validate(request);
            Tenant tenant;
            try {
                tenant = new TenantService(session)
                        .create(
                                template,
                                new TenantService.NewTenant(
                                        id,
                                        request.name().trim(),
                                        request.description(),
                                        request.domain(),
                                        request.adminUsername().trim(),
                                        request.adminEmail().trim(),
                                        request.adminPassword(),
                                        request.adminFirstName(),
                                        request.adminLastName()));
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("admin_password", weak.brokenRules());
            }
            TenantRepresentations.TenantView view = TenantRepresentations.TenantView.of(tenant);
            // the first row of the new tenant's log; the admin's password is in no representation
            AdminActions.in(session, caller, tenant.realm())
                    .detail("admin_username", request.adminUsername().trim())
                    .record(OperationType.CREATE, AdminActions.TENANT, view, "tenants", tenant.id());
            return Response.created(
                            uri.getAbsolutePathBuilder().path(tenant.id()).build())
                    .entity(view)
                    .build();
        });
    }

    @GET
    public Response list(
            @QueryParam("page") String page,
            @QueryParam("page_size") String pageSize,
            @QueryParam("search") String search) {
        return Endpoint.run(session, () -> {
            requirePlatformAdmin(auth.authenticate());
            Paging paging = Paging.of(page, pageSize);
            new Validator().optional("search", search, 255).throwIfInvalid();
            TenantService tenants = new TenantService(session);
            TenantRegistry.Page found = tenants.registry().page(search, paging.first(), paging.pageSize());
            List<TenantRepresentations.TenantView> items = found.items().stream()
                    .map(entry -> Optional.ofNullable(session.realms().getRealm(entry.getRealmId()))
                            .map(realm -> TenantRepresentations.TenantView.of(new Tenant(realm, entry))))
                    .flatMap(Optional::stream)
                    .toList();
            return Response.ok(new TenantRepresentations.TenantPage(
                            items, found.total(), paging.page(), paging.pageSize()))
                    .build();
        });
    }

    @Path("{id}")
    public TenantResource tenant(@PathParam("id") String id) {
        return new TenantResource(session, auth, id);
    }

    static Caller requirePlatformAdmin(Caller caller) {
        if (!caller.platformAdmin()) {
            throw ApiProblem.forbidden("Only platform admins manage tenants.");
        }
        return caller;
    }

    private String validate(TenantRepresentations.CreateTenant request) {
        Validator validator = new Validator()
                .required("name", request.name(), 255)
                .optional("description", request.description(), 1000)
                .optional("domain", request.domain(), 253)
                .required("admin_username", request.adminUsername(), 255)
                .email("admin_email", request.adminEmail())
                .required("admin_password", request.adminPassword(), 256)
                .optional("admin_first_name", request.adminFirstName(), 255)
                .optional("admin_last_name", request.adminLastName(), 255);
        if (request.domain() != null && !request.domain().isBlank()) {
            validator.domain("domain", request.domain().trim().toLowerCase(java.util.Locale.ROOT));
        }
        String id = request.id() != null ? request.id() : TenantSlugs.fromName(request.name());
        String idField = request.id() != null ? "id" : "name";
        if (request.id() != null || (request.name() != null && !request.name().isBlank())) {
            TenantSlugs.problem(id, platformRealm)
                    .ifPresent(problem -> validator.error(
                            idField,
                            request.id() != null
                                    ? "id " + problem
                                    : "gives the id '" + id + "', which " + problem + "; send an explicit id"));
        }
        validator.throwIfInvalid();
        return id;
    }
}
