package dev.multimodal.usermanagement.api.users;

import dev.multimodal.usermanagement.api.auth.AdminActions;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.Paging;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.api.limits.HeavyCalls;
import dev.multimodal.usermanagement.tenant.DefaultRole;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import dev.multimodal.usermanagement.user.ProfileRules;
import dev.multimodal.usermanagement.user.UserAccounts;
import dev.multimodal.usermanagement.user.UserQueries;
import dev.multimodal.usermanagement.user.bcrypt.BcryptPasswordHashProvider;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileContext;

/** {@code /users}: moderators and admins list and create the users of their tenant; {@code /users/me} is the caller's own. */
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    static final int MAX_IMPORT = 1000;
    static final int MAX_IMPORT_BYTES = 2 * 1024 * 1024;

    private final KeycloakSession session;
    private final BearerAuth auth;

    public UsersResource(KeycloakSession session, BearerAuth auth) {
        this.session = session;
        this.auth = auth;
    }

    @Path("me")
    public MeResource me() {
        return new MeResource(session, auth);
    }

    @GET
    public Response list(
            @QueryParam("page") String page,
            @QueryParam("page_size") String pageSize,
            @QueryParam("search") String search,
            @QueryParam("email") String email,
            @QueryParam("role") String role) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_READ);
            Paging paging = Paging.of(page, pageSize);
            Validator validator =
                    new Validator().optional("search", search, 255).optional("email", email, 254);
            if (role != null && !TenantRoles.ROLES.contains(role)) {
                validator.error("role", "must be one of " + TenantRoles.ROLES);
            }
            validator.throwIfInvalid();
            RoleModel roleModel = role == null ? null : caller.tenant().getRole(role);
            UserQueries.Page found = new UserQueries(session)
                    .page(
                            caller.tenant(),
                            new UserQueries.Filter(
                                    search,
                                    email,
                                    roleModel == null ? null : UserQueries.rolesGranting(caller.tenant(), roleModel)),
                            paging.first(),
                            paging.pageSize());
            return Response.ok(new UserRepresentations.UserPage(
                            found.items().stream()
                                    .map(user -> UserView.of(caller.tenant(), user))
                                    .toList(),
                            found.total(),
                            paging.page(),
                            paging.pageSize()))
                    .build();
        });
    }

    @POST
    public Response create(@Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserRepresentations.CreateUser request =
                    JsonBodies.read(headers, body, UserRepresentations.CreateUser.class);
            String role = request.role() == null ? DefaultRole.of(caller.tenant()) : request.role();
            Validator validator = new Validator()
                    .email("email", request.email())
                    .required("username", request.username(), 255)
                    .required("password", request.password(), 256)
                    .optional("first_name", request.firstName(), 255)
                    .optional("last_name", request.lastName(), 255);
            if (request.username() != null && !request.username().trim().matches(UserAccess.USERNAME_PATTERN)) {
                validator.error("username", "must be 3 to 255 letters, digits or . _ @ + -");
            }
            if (!TenantRoles.ROLES.contains(role)) {
                validator.error("role", "must be one of " + TenantRoles.ROLES);
            }
            validator.throwIfInvalid();
            UserAccess.requireAssignable(caller, role);

            UserModel user;
            try {
                // the initial password is temporary: an admin never sets a password the user keeps
                user = new UserAccounts(session, caller.tenant())
                        .create(new UserAccounts.NewUser(
                                request.username(),
                                request.email(),
                                request.firstName(),
                                request.lastName(),
                                request.password(),
                                true,
                                role));
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("password", weak.brokenRules());
            }
            UserView view = UserView.of(caller.tenant(), user);
            AdminActions.of(session, caller)
                    .record(OperationType.CREATE, ResourceType.USER.name(), view, "users", user.getId());
            return Response.created(
                            uri.getAbsolutePathBuilder().path(user.getId()).build())
                    .entity(view)
                    .build();
        });
    }

    /** Up to {@value #MAX_IMPORT} users of the old service per request; bad rows are reported, good rows go in. */
    @POST
    @Path("import")
    public Response importUsers(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserRepresentations.ImportUsers request =
                    JsonBodies.read(headers, body, UserRepresentations.ImportUsers.class, MAX_IMPORT_BYTES);
            if (request.users() == null
                    || request.users().isEmpty()
                    || request.users().size() > MAX_IMPORT) {
                throw ApiProblem.invalid("users", "must hold 1 to " + MAX_IMPORT + " users");
            }
            HeavyCalls.holdUntilTransactionEnds(session, caller.tenant().getId());
            UserAccounts accounts = new UserAccounts(session, caller.tenant());
            List<UserRepresentations.RowError> errors = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int bcryptMaxCost = BcryptPasswordHashProvider.of(session).maxCost();
            int imported = 0;
            for (int row = 0; row < request.users().size(); row++) {
                UserRepresentations.ImportedUser user = request.users().get(row);
                Optional<UserRepresentations.RowError> problem = importProblem(caller, row, user, seen, bcryptMaxCost);
                if (problem.isPresent()) {
                    errors.add(problem.get());
                    continue;
                }
                accounts.importWithHash(
                        user.username(),
                        user.email(),
                        user.firstName(),
                        user.lastName(),
                        !Boolean.FALSE.equals(user.isActive()),
                        user.role() == null ? DefaultRole.of(caller.tenant()) : user.role(),
                        user.passwordHash());
                imported++;
            }
            accounts.flush();
            // one event for the batch: the rows imported and refused, never the hashes
            AdminActions.of(session, caller)
                    .detail("imported", Integer.toString(imported))
                    .detail("refused", Integer.toString(errors.size()))
                    .record(OperationType.CREATE, AdminActions.USER_IMPORT, null, "users", "import");
            return Response.ok(new UserRepresentations.ImportResult(imported, errors))
                    .build();
        });
    }

    private Optional<UserRepresentations.RowError> importProblem(
            Caller caller, int row, UserRepresentations.ImportedUser user, Set<String> seen, int bcryptMaxCost) {
        if (user == null) {
            return Optional.of(new UserRepresentations.RowError(row, null, "is not a user object"));
        }
        Validator validator = new Validator()
                .email("email", user.email())
                .required("username", user.username(), 255)
                .optional("first_name", user.firstName(), 255)
                .optional("last_name", user.lastName(), 255);
        if (user.username() != null && !user.username().trim().matches(UserAccess.USERNAME_PATTERN)) {
            validator.error("username", "must be 3 to 255 letters, digits or . _ @ + -");
        }
        if (!BcryptPasswordHashProvider.isBcryptHash(user.passwordHash())) {
            validator.error("password_hash", "must be a bcrypt hash ($2a$, $2b$ or $2y$)");
        } else if (BcryptPasswordHashProvider.costOf(user.passwordHash()) > bcryptMaxCost) {
            // each cost step doubles a login's hashing time: above the cap one login could hold a core for hours
            validator.error(
                    "password_hash",
                    "has bcrypt cost " + BcryptPasswordHashProvider.costOf(user.passwordHash())
                            + ", above this server's cap of " + bcryptMaxCost
                            + "; the user must set a new password instead");
        }
        String role = user.role() == null ? DefaultRole.of(caller.tenant()) : user.role();
        if (!TenantRoles.ROLES.contains(role)) {
            validator.error("role", "must be one of " + TenantRoles.ROLES);
        }
        if (!validator.hasErrors()) {
            // the rules of Keycloak's admin API; taken usernames and e-mails are checked below
            ProfileRules.check(
                            session,
                            caller.tenant(),
                            UserProfileContext.USER_API,
                            null,
                            UserAccounts.attributes(
                                    user.username().trim().toLowerCase(Locale.ROOT),
                                            user.email().trim().toLowerCase(Locale.ROOT),
                                    user.firstName(), user.lastName()))
                    .forEach(violation -> validator.error(violation.field(), violation.message()));
        }
        Optional<UserRepresentations.RowError> invalid = validator
                .firstError()
                .map(error -> new UserRepresentations.RowError(row, error.field(), error.message()));
        if (invalid.isPresent()) {
            return invalid;
        }
        try {
            UserAccess.requireAssignable(caller, role);
        } catch (ApiProblem refused) {
            return Optional.of(new UserRepresentations.RowError(row, "role", "is above what you may grant"));
        }
        String username = user.username().trim().toLowerCase(Locale.ROOT);
        String email = user.email().trim().toLowerCase(Locale.ROOT);
        if (!seen.add("u:" + username)
                || !seen.add("e:" + email)
                || session.users().getUserByUsername(caller.tenant(), username) != null
                || session.users().getUserByEmail(caller.tenant(), email) != null) {
            return Optional.of(new UserRepresentations.RowError(row, "email", "the username or e-mail is taken"));
        }
        return Optional.empty();
    }

    @Path("{id}")
    public UserResource user(@PathParam("id") String id) {
        return new UserResource(session, auth, id);
    }
}
