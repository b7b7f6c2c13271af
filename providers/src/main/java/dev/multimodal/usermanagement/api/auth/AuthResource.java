package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.api.error.Endpoint;
import dev.multimodal.usermanagement.api.error.JsonBodies;
import dev.multimodal.usermanagement.api.error.Validator;
import dev.multimodal.usermanagement.api.users.UserView;
import dev.multimodal.usermanagement.lockout.Decision;
import dev.multimodal.usermanagement.lockout.LockoutRateLimitAuthenticator;
import dev.multimodal.usermanagement.lockout.PasswordGuesses;
import dev.multimodal.usermanagement.lockout.RequestLimits;
import dev.multimodal.usermanagement.tenant.DefaultRole;
import dev.multimodal.usermanagement.tenant.TenantResolver;
import dev.multimodal.usermanagement.user.UserAccounts;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.OAuth2Constants;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.RefreshToken;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.userprofile.UserProfileContext;

/** {@code /auth}: register, login, refresh, logout; tokens are Keycloak's own, made by its own grants. */
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    /** One answer for a wrong password, an unknown user, a disabled and a locked account alike. */
    private static final String BAD_CREDENTIALS = "Invalid credentials.";

    private static final String NOT_FULLY_SET_UP = "Account is not fully set up";

    private final KeycloakSession session;
    private final BearerAuth auth;
    private final TenantResolver tenants;

    public AuthResource(KeycloakSession session, BearerAuth auth, TenantResolver tenants) {
        this.session = session;
        this.auth = auth;
        this.tenants = tenants;
    }

    @POST
    @Path("login")
    public Response login(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            AuthRepresentations.Login request = JsonBodies.read(headers, body, AuthRepresentations.Login.class);
            Validator validator = new Validator()
                    .optional("email", request.email(), 254)
                    .optional("username", request.username(), 255)
                    .required("password", request.password(), 256)
                    .optional("tenant_id", request.tenantId(), 63);
            if (isBlank(request.email()) && isBlank(request.username())) {
                validator.error("email", "email or username is required");
            }
            validator.throwIfInvalid();
            String loginName = (isBlank(request.username()) ? request.email() : request.username()).trim();

            // on the platform realm's URL, a login naming no tenant (no tenant_id, no tenant's e-mail domain) is a
            // platform admin's
            Optional<RealmModel> resolved = tenants.resolve(
                            request.tenantId(),
                            request.email(),
                            session.getContext().getRealm())
                    .or(() -> tenants.platformLogin(
                            request.tenantId(), session.getContext().getRealm()));
            RealmModel realm = resolved.filter(RealmModel::isEnabled).orElse(null);
            ClientModel client = realm == null ? null : realm.getClientByClientId(InProcessGrants.API_CLIENT);
            if (client == null) {
                // no such tenant: counted, limited and hashed like an unknown name, with the same answer
                throw guessRefusal(PasswordGuesses.checkUnknownTenant(
                                session,
                                resolved.orElse(session.getContext().getRealm()),
                                loginName,
                                request.password())
                        .refusal());
            }
            EventBuilder event = new EventBuilder(
                            realm, session, session.getContext().getConnection())
                    .event(EventType.LOGIN)
                    .client(client)
                    .detail(Details.GRANT_TYPE, OAuth2Constants.PASSWORD);
            InProcessGrants.Outcome outcome = new InProcessGrants(session)
                    .run(
                            realm,
                            client,
                            OAuth2Constants.PASSWORD,
                            Map.of(
                                    "username",
                                    loginName,
                                    "password",
                                    request.password(),
                                    "scope",
                                    "openid",
                                    LockoutRateLimitAuthenticator.REMEMBER_ME_PARAMETER,
                                    String.valueOf(Boolean.TRUE.equals(request.rememberMe()))),
                            event);
            if (outcome.succeeded()) {
                return tokens(outcome);
            }
            throw loginRefusal(realm, loginName, outcome.refusal());
        });
    }

    /** The lockout step has already paid the one hash of every refused attempt (a dummy one where nothing was checked). */
    private ApiProblem loginRefusal(RealmModel realm, String loginName, Response refusal) {
        if (refusal.getStatus() == 429) {
            return ApiProblem.tooManyRequests(
                    "Too many attempts; try again later.", refusal.getHeaderString("Retry-After"));
        }
        if (refusal.getStatus() == 503) {
            // the lockout store is down and the tenant's failure mode is 'closed'
            return ApiProblem.serviceUnavailable(
                    "Logins are paused; try again later.", refusal.getHeaderString("Retry-After"));
        }
        // only reached with the right password: saying why is no leak. Looked up only then: an unknown name misses
        // the user cache and would cost a refused login a database query a known one does not
        UserModel user = NOT_FULLY_SET_UP.equals(errorDescription(refusal))
                ? KeycloakModelUtils.findUserByNameOrEmail(session, realm, loginName)
                : null;
        if (user != null) {
            boolean expired =
                    user.getRequiredActionsStream().anyMatch(UserModel.RequiredAction.UPDATE_PASSWORD.name()::equals);
            return expired
                    ? new ApiProblem(
                            403,
                            "Password expired",
                            "The password has expired; set a new one before logging in.",
                            List.of())
                    : new ApiProblem(
                            403,
                            "Account not set up",
                            "The account has required actions to complete in the login page.",
                            List.of());
        }
        return ApiProblem.unauthorized(BAD_CREDENTIALS);
    }

    /** A refused password guess outside the login flow answers as a refused login: locked (or none) is a plain 401. */
    private static ApiProblem guessRefusal(Decision refusal) {
        if (refusal != null && refusal.verdict() == Decision.Verdict.RATE_LIMITED) {
            return ApiProblem.tooManyRequests(
                    "Too many attempts; try again later.", Long.toString(refusal.retryAfterSeconds()));
        }
        if (refusal != null && refusal.verdict() == Decision.Verdict.UNAVAILABLE) {
            return ApiProblem.serviceUnavailable(
                    "Logins are paused; try again later.", Long.toString(refusal.retryAfterSeconds()));
        }
        return ApiProblem.unauthorized(BAD_CREDENTIALS);
    }

    /**
     * Sets a new password for a user whose password expired or was reset to a temporary one, so they can log in
     * again without an admin. Answers exactly like login for wrong credentials.
     */
    @POST
    @Path("change-password")
    public Response changeExpiredPassword(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            AuthRepresentations.ChangeExpiredPassword request =
                    JsonBodies.read(headers, body, AuthRepresentations.ChangeExpiredPassword.class);
            Validator validator = new Validator()
                    .optional("email", request.email(), 254)
                    .optional("username", request.username(), 255)
                    .required("current_password", request.currentPassword(), 256)
                    .required("new_password", request.newPassword(), 256)
                    .optional("tenant_id", request.tenantId(), 63);
            if (isBlank(request.email()) && isBlank(request.username())) {
                validator.error("email", "email or username is required");
            }
            validator.throwIfInvalid();
            String loginName = (isBlank(request.username()) ? request.email() : request.username()).trim();
            RealmModel realm = tenants.resolve(
                            request.tenantId(),
                            request.email(),
                            session.getContext().getRealm())
                    .filter(RealmModel::isEnabled)
                    .orElse(null);
            UserModel user = realm == null ? null : findUser(realm, loginName);
            // counted, limited and hashed as a login attempt is, whoever the name belongs to (or nobody)
            PasswordGuesses.Outcome guess = realm == null
                    ? PasswordGuesses.checkUnknownTenant(
                            session, session.getContext().getRealm(), loginName, request.currentPassword())
                    : PasswordGuesses.check(session, realm, user, loginName, request.currentPassword());
            if (!guess.matched()) {
                if (user != null && guess.refusal() == null) {
                    new EventBuilder(realm, session, session.getContext().getConnection())
                            .event(EventType.UPDATE_PASSWORD_ERROR)
                            .user(user)
                            .error(org.keycloak.events.Errors.INVALID_USER_CREDENTIALS);
                }
                throw guessRefusal(guess.refusal());
            }
            UserAccounts accounts = new UserAccounts(session, realm);
            if (user.getRequiredActionsStream().noneMatch(UserModel.RequiredAction.UPDATE_PASSWORD.name()::equals)) {
                throw ApiProblem.badRequest(
                        "The password has not expired: log in and use POST /users/me/change-password.");
            }
            try {
                accounts.setPassword(user, request.newPassword(), false);
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("new_password", weak.brokenRules());
            }
            accounts.endSessions(user, null);
            new EventBuilder(realm, session, session.getContext().getConnection())
                    .event(EventType.UPDATE_PASSWORD)
                    .user(user)
                    .success();
            return Response.noContent().build();
        });
    }

    @POST
    @Path("refresh")
    public Response refresh(@Context HttpHeaders headers, InputStream body) {
        return Endpoint.run(session, () -> {
            AuthRepresentations.Refresh request = JsonBodies.read(headers, body, AuthRepresentations.Refresh.class);
            new Validator()
                    .required("refresh_token", request.refreshToken(), 16_384)
                    .throwIfInvalid();

            RefreshToken unverified = unverifiedRefreshToken(request.refreshToken());
            RealmModel tokenRealm = BearerAuth.realmOfIssuer(session, unverified.getIssuer());
            RealmModel realm = tenants.platformLogin(null, session.getContext().getRealm())
                    .filter(platform -> tokenRealm != null && platform.getId().equals(tokenRealm.getId()))
                    .orElseGet(
                            () -> tenants.ofUrl(tokenRealm, session.getContext().getRealm()));
            // only our API client's tokens: a confidential client's refresh token must not be refreshed without its
            // secret
            ClientModel client =
                    realm == null || !realm.isEnabled() || !InProcessGrants.API_CLIENT.equals(unverified.getIssuedFor())
                            ? null
                            : realm.getClientByClientId(InProcessGrants.API_CLIENT);
            if (client == null) {
                throw ApiProblem.unauthorized("The refresh token is invalid, expired or revoked.");
            }
            EventBuilder event = new EventBuilder(
                            realm, session, session.getContext().getConnection())
                    .event(EventType.REFRESH_TOKEN)
                    .client(client);
            InProcessGrants.Outcome outcome = new InProcessGrants(session)
                    .run(
                            realm,
                            client,
                            OAuth2Constants.REFRESH_TOKEN,
                            Map.of(OAuth2Constants.REFRESH_TOKEN, request.refreshToken()),
                            event);
            if (!outcome.succeeded()) {
                throw ApiProblem.unauthorized("The refresh token is invalid, expired or revoked.");
            }
            return tokens(outcome);
        });
    }

    @POST
    @Path("logout")
    public Response logout() {
        return Endpoint.run(session, () -> {
            Caller caller = auth.authenticate(BearerAuth.Access.OWN_SESSION);
            KeycloakContext context = session.getContext();
            RealmModel pathRealm = context.getRealm();
            context.setRealm(caller.realm()); // logout tokens to the clients are signed with this realm's keys
            try {
                AuthenticationManager.backchannelLogout(
                        session,
                        caller.realm(),
                        caller.userSession(),
                        context.getUri(),
                        context.getConnection(),
                        context.getRequestHeaders(),
                        true);
                new EventBuilder(caller.realm(), session, context.getConnection())
                        .event(EventType.LOGOUT)
                        .client(caller.token().getIssuedFor())
                        .user(caller.user())
                        .session(caller.userSession())
                        .success();
            } finally {
                context.setRealm(pathRealm);
            }
            return Response.noContent().build();
        });
    }

    @POST
    @Path("register")
    public Response register(@Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        return Endpoint.run(session, () -> {
            AuthRepresentations.Register request = JsonBodies.read(headers, body, AuthRepresentations.Register.class);
            Validator validator = new Validator()
                    .email("email", request.email())
                    .required("username", request.username(), 255)
                    .required("password", request.password(), 256)
                    .optional("first_name", request.firstName(), 255)
                    .optional("last_name", request.lastName(), 255)
                    .optional("tenant_id", request.tenantId(), 63);
            if (!isBlank(request.username()) && !request.username().trim().matches("[A-Za-z0-9._@+-]{3,255}")) {
                validator.error("username", "must be 3 to 255 letters, digits or . _ @ + -");
            }
            validator.throwIfInvalid();

            RealmModel realm = tenants.resolve(
                            request.tenantId(),
                            request.email(),
                            session.getContext().getRealm())
                    .orElseThrow(() -> ApiProblem.invalid(
                            "tenant_id",
                            isBlank(request.tenantId())
                                    ? "is required: no tenant matches the e-mail's domain"
                                    : "names no tenant"));
            if (!realm.isEnabled() || !realm.isRegistrationAllowed()) {
                throw ApiProblem.forbidden("Self sign-up is off for this tenant.");
            }
            // the registration form's limits (per client IP, per username) before anything about accounts is told
            Decision limited = RequestLimits.signUp(session, realm, request.username());
            if (!limited.allowed()) {
                throw guessRefusal(limited);
            }
            UserModel user;
            try {
                user = new UserAccounts(session, realm)
                        .create(
                                new UserAccounts.NewUser(
                                        request.username(),
                                        request.email(),
                                        request.firstName(),
                                        request.lastName(),
                                        request.password(),
                                        false,
                                        DefaultRole.of(realm)),
                                UserProfileContext.REGISTRATION);
            } catch (UserAccounts.WeakPasswordException weak) {
                throw ApiProblem.weakPassword("password", weak.brokenRules());
            }
            // the API client is the one registering, as it is the one logging in
            new EventBuilder(realm, session, session.getContext().getConnection())
                    .event(EventType.REGISTER)
                    .client(InProcessGrants.API_CLIENT)
                    .user(user)
                    .detail(Details.USERNAME, user.getUsername())
                    .detail(Details.EMAIL, user.getEmail())
                    .detail(Details.REGISTER_METHOD, "api")
                    .success();
            return Response.created(uri.getBaseUriBuilder()
                            .path("realms")
                            .path(realm.getName())
                            .path("api/v1/users")
                            .path(user.getId())
                            .build())
                    .entity(UserView.of(realm, user))
                    .build();
        });
    }

    private static Response tokens(InProcessGrants.Outcome outcome) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(AuthRepresentations.Tokens.of(outcome.tokens()))
                .cacheControl(noStore)
                .header("Pragma", "no-cache")
                .build();
    }

    private RefreshToken unverifiedRefreshToken(String token) {
        try {
            return new JWSInput(token).readJsonContent(RefreshToken.class);
        } catch (JWSInputException | RuntimeException e) {
            throw ApiProblem.unauthorized("The refresh token is invalid, expired or revoked.");
        }
    }

    private UserModel findUser(RealmModel realm, String loginName) {
        try {
            return KeycloakModelUtils.findUserByNameOrEmail(session, realm, loginName);
        } catch (ModelDuplicateException e) {
            return null; // an e-mail shared by two federated users: no single account, counted like an unknown name
        }
    }

    private static String errorDescription(Response response) {
        return response.getEntity() instanceof OAuth2ErrorRepresentation error ? error.getErrorDescription() : null;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
