package dev.multimodal.usermanagement.api.users;

import dev.multimodal.usermanagement.api.auth.AdminActions;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.PathIds;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.lockout.AccountKeys;
import dev.multimodal.usermanagement.lockout.Decision;
import dev.multimodal.usermanagement.lockout.LockState;
import dev.multimodal.usermanagement.lockout.LockoutEventListenerProvider;
import dev.multimodal.usermanagement.lockout.LockoutFlows;
import dev.multimodal.usermanagement.lockout.LockoutRateLimitAuthenticatorFactory;
import dev.multimodal.usermanagement.lockout.LockoutStoreException;
import dev.multimodal.usermanagement.tenant.DefaultRole;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import dev.multimodal.usermanagement.user.ProfileRules;
import dev.multimodal.usermanagement.user.UserAccounts;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileContext;

/** {@code /users/{id}}: one user of the caller's tenant; another tenant's user does not exist here. */
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final KeycloakSession session;
    private final BearerAuth auth;
    private final String id;

    UserResource(KeycloakSession session, BearerAuth auth, String id) {
        this.session = session;
        this.auth = auth;
        this.id = id;
    }

    @GET
    public Response get() {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_READ);
            UserModel user = target(caller);
            LockState lock = LockoutRateLimitAuthenticatorFactory.storeFor(session)
                    .lockState(
                            caller.tenant().getId(),
                            AccountKeys.forUser(user.getId()),
                            LockoutFlows.settingsOf(caller.tenant()));
            return Response.ok(new UserRepresentations.AdminUserView(
                            UserView.of(caller.tenant(), user), UserRepresentations.Lock.of(lock)))
                    .build();
        });
    }

    @PUT
    public Response update(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserRepresentations.UpdateUser request =
                    JsonBodies.read(headers, body, UserRepresentations.UpdateUser.class);
            Validator validator = new Validator()
                    .optional("first_name", request.firstName(), 255)
                    .optional("last_name", request.lastName(), 255);
            if (request.email() != null) {
                validator.email("email", request.email());
            }
            validator.throwIfInvalid();
            UserModel user = manageable(caller);
            String newEmail =
                    request.email() == null ? null : request.email().trim().toLowerCase(Locale.ROOT);
            // the rules of Keycloak's admin API, before anything is stored
            ProfileRules.require(
                    session,
                    caller.tenant(),
                    UserProfileContext.USER_API,
                    user,
                    UserAccounts.attributes(null, newEmail, request.firstName(), request.lastName()));
            if (Boolean.FALSE.equals(request.isActive())
                    && user.getId().equals(caller.user().getId())) {
                throw ApiProblem.invalid("is_active", "you cannot disable your own account");
            }
            if (request.email() != null) {
                String email = request.email().trim().toLowerCase(Locale.ROOT);
                UserModel holder = session.users().getUserByEmail(caller.tenant(), email);
                if (holder != null && !holder.getId().equals(user.getId())) {
                    throw ApiProblem.conflict("The e-mail is taken.");
                }
                user.setEmail(email);
            }
            if (request.firstName() != null) {
                user.setFirstName(request.firstName());
            }
            if (request.lastName() != null) {
                user.setLastName(request.lastName());
            }
            if (request.emailVerified() != null) {
                user.setEmailVerified(request.emailVerified());
            }
            if (request.isActive() != null) {
                user.setEnabled(request.isActive());
                if (!request.isActive()) {
                    new UserAccounts(session, caller.tenant()).endSessions(user, null);
                }
            }
            session.getProvider(JpaConnectionProvider.class).getEntityManager().flush();
            UserView view = UserView.of(caller.tenant(), user);
            AdminActions.of(session, caller)
                    .record(OperationType.UPDATE, ResourceType.USER.name(), view, "users", user.getId());
            return Response.ok(view).build();
        });
    }

    @DELETE
    public Response delete() {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserModel user = manageable(caller);
            if (user.getId().equals(caller.user().getId())) {
                throw ApiProblem.forbidden("You cannot delete your own account here.");
            }
            new UserAccounts(session, caller.tenant()).endSessions(user, null);
            String userId = user.getId();
            session.users().removeUser(caller.tenant(), user);
            AdminActions.of(session, caller)
                    .record(OperationType.DELETE, ResourceType.USER.name(), null, "users", userId);
            return Response.noContent().build();
        });
    }

    /** Sets the user's named roles exactly; each within what the caller may grant. */
    @PUT
    @Path("roles")
    public Response setRoles(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserRepresentations.SetRoles request = JsonBodies.read(headers, body, UserRepresentations.SetRoles.class);
            if (request.roles() == null
                    || request.roles().isEmpty()
                    || request.roles().size() > TenantRoles.ROLES.size()) {
                throw ApiProblem.invalid(
                        "roles", "must name 1 to " + TenantRoles.ROLES.size() + " of " + TenantRoles.ROLES);
            }
            Set<String> wanted = new LinkedHashSet<>(request.roles());
            for (String role : wanted) {
                if (!TenantRoles.ROLES.contains(role)) {
                    throw ApiProblem.invalid("roles", "must name only " + TenantRoles.ROLES);
                }
            }
            UserModel user = manageable(caller);
            if (user.getId().equals(caller.user().getId())) {
                throw ApiProblem.forbidden("You cannot change your own roles.");
            }
            wanted.forEach(role -> UserAccess.requireAssignable(caller, role));
            DefaultRole.detachFromKeycloakDefaults(caller.tenant(), user);
            for (String name : TenantRoles.ROLES) {
                RoleModel role = caller.tenant().getRole(name);
                if (role == null) {
                    continue;
                }
                boolean direct = user.getRealmRoleMappingsStream()
                        .anyMatch(r -> r.getId().equals(role.getId()));
                if (wanted.contains(name) && !direct) {
                    user.grantRole(role);
                } else if (!wanted.contains(name) && direct) {
                    user.deleteRoleMapping(role);
                }
            }
            AdminActions.of(session, caller)
                    .record(
                            OperationType.UPDATE,
                            ResourceType.REALM_ROLE_MAPPING.name(),
                            Map.of("roles", wanted),
                            "users",
                            user.getId(),
                            "roles");
            return Response.ok(UserView.of(caller.tenant(), user)).build();
        });
    }

    @GET
    @Path("sessions")
    public Response sessions() {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_READ);
            UserModel user = manageable(caller); // sessions show IPs: only for accounts the caller manages
            return Response.ok(new UserAccounts(session, caller.tenant())
                            .sessions(user).stream()
                                    .map(userSession -> UserRepresentations.SessionView.of(
                                            userSession, caller.userSession().getId()))
                                    .toList())
                    .build();
        });
    }

    @DELETE
    @Path("sessions")
    public Response endSessions() {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserModel user = manageable(caller);
            new UserAccounts(session, caller.tenant()).endSessions(user, null);
            AdminActions.of(session, caller)
                    .record(
                            OperationType.DELETE,
                            ResourceType.USER_SESSION.name(),
                            null,
                            "users",
                            user.getId(),
                            "sessions");
            return Response.noContent().build();
        });
    }

    /** Ends a lockout before its time. */
    @POST
    @Path("unlock")
    public Response unlock() {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserModel user = manageable(caller);
            boolean wasLocked;
            try {
                wasLocked = LockoutRateLimitAuthenticatorFactory.storeFor(session)
                        .unlock(caller.tenant().getId(), AccountKeys.forUser(user.getId()));
            } catch (LockoutStoreException e) {
                throw ApiProblem.serviceUnavailable(
                        "The lockout store cannot be reached; nothing was unlocked. Try again.",
                        Long.toString(Decision.UNAVAILABLE.retryAfterSeconds()));
            }
            // Keycloak's own unlock (attack detection) is a DELETE of the user's login failures
            AdminActions.of(session, caller)
                    .detail("was_locked", Boolean.toString(wasLocked))
                    .record(
                            OperationType.DELETE,
                            ResourceType.USER_LOGIN_FAILURE.name(),
                            null,
                            "users",
                            user.getId(),
                            "unlock");
            return Response.noContent().build();
        });
    }

    /** Sets a temporary password that the user must replace at the next login; never a permanent one. */
    @POST
    @Path("reset-password")
    public Response resetPassword(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = UserAccess.require(auth.authenticateForTenant(), TenantRoles.PERMISSION_USERS_WRITE);
            UserRepresentations.ResetPassword request =
                    JsonBodies.read(headers, body, UserRepresentations.ResetPassword.class);
            new Validator()
                    .required("temporary_password", request.temporaryPassword(), 256)
                    .throwIfInvalid();
            UserModel user = manageable(caller);
            UserAccounts accounts = new UserAccounts(session, caller.tenant());
            try {
                accounts.setPassword(user, request.temporaryPassword(), true);
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("temporary_password", weak.brokenRules());
            }
            accounts.endSessions(user, null);
            LockoutEventListenerProvider.unlockAfterCommit(
                    session, caller.tenant().getId(), user.getId());
            AdminActions.of(session, caller)
                    .detail("temporary", "true")
                    .record(
                            OperationType.ACTION,
                            ResourceType.USER.name(),
                            null,
                            "users",
                            user.getId(),
                            "reset-password");
            return Response.noContent().build();
        });
    }

    private UserModel target(Caller caller) {
        // a platform admin's own id: Keycloak's per-request user cache would hand back the caller, whatever the realm
        boolean callerOfAnotherRealm =
                !caller.realm().getId().equals(caller.tenant().getId())
                        && caller.user().getId().equals(id);
        UserModel user = PathIds.isPlausible(id) && !callerOfAnotherRealm
                ? session.users().getUserById(caller.tenant(), id)
                : null;
        if (user == null || user.getServiceAccountClientLink() != null) {
            throw ApiProblem.notFound("No such user in this tenant.");
        }
        return user;
    }

    private UserModel manageable(Caller caller) {
        UserModel user = target(caller);
        UserAccess.requireManageable(caller, user);
        return user;
    }
}
