package dev.multimodal.usermanagement.api.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multimodal.usermanagement.api.auth.BearerAuth;
import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.PathIds;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.lockout.Decision;
import dev.multimodal.usermanagement.lockout.PasswordGuesses;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import dev.multimodal.usermanagement.user.ProfileRules;
import dev.multimodal.usermanagement.user.UserAccounts;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.userprofile.UserProfileContext;

/** {@code /users/me}: the caller's own profile, password and sessions. */
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    /** Preferences are a JSON object of at most this many bytes. */
    static final int MAX_PREFERENCES_BYTES = 16 * 1024;

    private final KeycloakSession session;
    private final BearerAuth auth;

    MeResource(KeycloakSession session, BearerAuth auth) {
        this.session = session;
        this.auth = auth;
    }

    @GET
    public Response get() {
        return Endpoint.run(session, () -> {
            Caller caller = self(TenantRoles.PERMISSION_PROFILE_READ);
            return Response.ok(UserView.of(caller.realm(), caller.user())).build();
        });
    }

    @PUT
    public Response update(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = self(TenantRoles.PERMISSION_PROFILE_WRITE);
            UserRepresentations.UpdateMe request = JsonBodies.read(headers, body, UserRepresentations.UpdateMe.class);
            Validator validator = new Validator()
                    .optional("first_name", request.firstName(), 255)
                    .optional("last_name", request.lastName(), 255);
            refuse(validator, "roles", request.roles());
            refuse(validator, "tenant_id", request.tenantId());
            refuse(validator, "is_active", request.isActive());
            refuse(validator, "email_verified", request.emailVerified());
            String preferences = null;
            if (request.preferences() != null) {
                preferences = request.preferences().toString();
                if (!request.preferences().isObject()) {
                    validator.error("preferences", "must be a JSON object");
                } else if (preferences.getBytes(StandardCharsets.UTF_8).length > MAX_PREFERENCES_BYTES) {
                    validator.error("preferences", "must be at most " + MAX_PREFERENCES_BYTES + " bytes of JSON");
                }
            }
            validator.throwIfInvalid();
            // the rules of Keycloak's own account console, before anything is stored
            ProfileRules.check(
                            session,
                            caller.realm(),
                            UserProfileContext.ACCOUNT,
                            caller.user(),
                            UserAccounts.attributes(null, null, request.firstName(), request.lastName()))
                    .forEach(violation -> validator.error(violation.field(), violation.message()));
            validator.throwIfInvalid();

            if (request.firstName() != null) {
                caller.user().setFirstName(request.firstName());
            }
            if (request.lastName() != null) {
                caller.user().setLastName(request.lastName());
            }
            if (preferences != null) {
                caller.user().setSingleAttribute(UserView.PREFERENCES_ATTRIBUTE, preferences);
            }
            event(caller, EventType.UPDATE_PROFILE).success();
            return Response.ok(UserView.of(caller.realm(), caller.user())).build();
        });
    }

    @POST
    @Path("change-password")
    public Response changePassword(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            Caller caller = self(TenantRoles.PERMISSION_PROFILE_WRITE);
            UserRepresentations.ChangePassword request =
                    JsonBodies.read(headers, body, UserRepresentations.ChangePassword.class);
            new Validator()
                    .required("current_password", request.currentPassword(), 256)
                    .required("new_password", request.newPassword(), 256)
                    .throwIfInvalid();
            UserAccounts accounts = new UserAccounts(session, caller.realm());
            PasswordGuesses.Outcome guess = PasswordGuesses.check(
                    session,
                    caller.realm(),
                    caller.user(),
                    () -> accounts.passwordMatches(caller.user(), request.currentPassword()));
            if (guess.refusal() != null && guess.refusal().verdict() == Decision.Verdict.UNAVAILABLE) {
                // the lockout store is down and the tenant's failure mode is 'closed', as at login
                throw ApiProblem.serviceUnavailable(
                        "Password checks are paused; try again later.",
                        Long.toString(guess.refusal().retryAfterSeconds()));
            }
            if (guess.refusal() != null) {
                throw ApiProblem.tooManyRequests(
                        "Too many wrong passwords; try again later.",
                        String.valueOf(Math.max(1, guess.refusal().retryAfter().toSeconds())));
            }
            if (!guess.matched()) {
                event(caller, EventType.UPDATE_PASSWORD_ERROR).error(Errors.INVALID_USER_CREDENTIALS);
                throw ApiProblem.invalid("current_password", "is not the current password");
            }
            try {
                accounts.setPassword(caller.user(), request.newPassword(), false);
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("new_password", weak.brokenRules());
            }
            accounts.endSessions(caller.user(), caller.userSession().getId());
            event(caller, EventType.UPDATE_PASSWORD).success();
            return Response.noContent().build();
        });
    }

    @GET
    @Path("sessions")
    public Response sessions() {
        return Endpoint.run(session, () -> {
            Caller caller = self(TenantRoles.PERMISSION_PROFILE_READ);
            return Response.ok(new UserAccounts(session, caller.realm())
                            .sessions(caller.user()).stream()
                                    .map(userSession -> UserRepresentations.SessionView.of(
                                            userSession, caller.userSession().getId()))
                                    .toList())
                    .build();
        });
    }

    @DELETE
    @Path("sessions/{id}")
    public Response endSession(@PathParam("id") String id) {
        return Endpoint.run(session, () -> {
            Caller caller = self(TenantRoles.PERMISSION_PROFILE_READ);
            if (!PathIds.isPlausible(id) || !new UserAccounts(session, caller.realm()).endSession(caller.user(), id)) {
                throw ApiProblem.notFound("No such session of yours.");
            }
            event(caller, EventType.LOGOUT).session(id).success();
            return Response.noContent().build();
        });
    }

    /** The caller acting on itself, on its own tenant's URL only. */
    private Caller self(String permission) {
        Caller caller = auth.authenticate(BearerAuth.Access.OWN_ACCOUNT);
        if (!caller.has(permission)) {
            throw ApiProblem.forbidden("This needs the " + permission + " permission.");
        }
        return caller;
    }

    private EventBuilder event(Caller caller, EventType type) {
        return new EventBuilder(caller.realm(), session, session.getContext().getConnection())
                .event(type)
                .client(caller.token().getIssuedFor())
                .user(caller.user())
                .session(caller.userSession());
    }

    private static void refuse(Validator validator, String field, JsonNode value) {
        if (value != null) {
            validator.error(field, "cannot be changed here");
        }
    }
}
