package dev.multimodal.usermanagement.lockout;

import static org.keycloak.services.validation.Validation.FIELD_PASSWORD;
import static org.keycloak.services.validation.Validation.FIELD_USERNAME;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.FlowStatus;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Username and password with lockout and rate limits, in place of Keycloak's password steps:
 * <ul>
 * <li>direct grant (flow path {@code token}): replaces "Username Validation" + "Password"; it finds the user,
 * asks the store, verifies the password and records the outcome, all in one step, because the store must
 * know the outcome and a step placed after a failed password is never reached;</li>
 * <li>browser: replaces "Username Password Form"; Keycloak's own form logic runs, wrapped by the store's check
 * before and the recording of its outcome after.</li>
 * </ul>
 * Wrong passwords, unknown usernames and locked accounts get one and the same answer; rate limits get 429 with
 * {@code Retry-After}.
 */
public class LockoutRateLimitAuthenticator extends UsernamePasswordForm {

    private static final Logger LOG = Logger.getLogger(LockoutRateLimitAuthenticator.class);
    /** Form parameter of a direct grant asking for a remember-me session. */
    public static final String REMEMBER_ME_PARAMETER = "remember_me";

    static final String DIRECT_GRANT_FLOW_PATH = "token";
    /** The "forgot password" flow; this step goes right after "Choose User" there. */
    static final String RESET_CREDENTIALS_FLOW_PATH = "reset-credentials";
    /** Keycloak's stock direct grant says this for a wrong password and an unknown user alike. */
    static final String INVALID_CREDENTIALS = "Invalid user credentials";
    /**
     * Theme messages (login theme {@code user-management}). A rate limit says "too many requests", never "too many
     * attempts": it also stops right passwords. Parameter: seconds to wait.
     */
    static final String RATE_LIMITED_MESSAGE = "umRateLimitedMessage";

    static final String UNAVAILABLE_MESSAGE = "umLoginUnavailableMessage";

    /** Event error for a refused rate-limited attempt ({@link Errors} has none). */
    public static final String EVENT_ERROR_RATE_LIMITED = "rate_limited";
    /** Event error when the store was down and the failure mode is {@code closed}. */
    public static final String EVENT_ERROR_STORE_UNAVAILABLE = "lockout_store_unavailable";
    /** Event details: what the step decided, and a lock's duration and place in its run. */
    public static final String DETAIL_DECISION = "lockout_decision";

    public static final String DETAIL_LOCK_SECONDS = "lockout_seconds";
    public static final String DETAIL_CONSECUTIVE_LOCKS = "lockout_consecutive";

    private final LockoutStore store;
    private final SettingsCache settingsCache;

    LockoutRateLimitAuthenticator(KeycloakSession session, LockoutStore store, SettingsCache settingsCache) {
        super(session);
        this.store = store;
        this.settingsCache = settingsCache;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (DIRECT_GRANT_FLOW_PATH.equals(context.getFlowPath())) {
            authenticateDirectGrant(context);
        } else if (RESET_CREDENTIALS_FLOW_PATH.equals(context.getFlowPath())) {
            guardPasswordReset(context);
        } else {
            super.authenticate(context); // shows the login form; the POST comes to action()
        }
    }

    // ---- direct grant

    private void authenticateDirectGrant(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String username = form.getFirst(AuthenticationManager.FORM_USERNAME);
        String password = form.getFirst(CredentialRepresentation.PASSWORD);
        if (username == null || username.isBlank()) {
            context.getEvent().error(Errors.USER_NOT_FOUND);
            context.failure(
                    AuthenticationFlowError.INVALID_USER,
                    oauthError(Response.Status.UNAUTHORIZED, "invalid_request", "Missing parameter: username"));
            return;
        }
        username = username.trim();
        context.getEvent().detail(Details.USERNAME, username);
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, username);

        UserModel user = findUser(context, username);
        LockoutSettings settings = settingsCache.settings(context.getAuthenticatorConfig());
        Attempt attempt = attempt(context, user, username);
        Decision decision = store.check(attempt, settings);
        if (!decision.allowed()) {
            refuseDirectGrant(context, user, decision);
            return;
        }
        LockoutBruteForceProtector.notLockedInThisRequest(context.getSession(), user);

        boolean eligible = user != null
                && user.getServiceAccountClientLink() == null
                && user.isEnabled()
                && AuthenticatorUtils.getDisabledByBruteForceEventError(context, user) == null;
        boolean valid;
        if (eligible && password != null && !password.isEmpty()) {
            valid = user.credentialManager().isValid(UserCredentialModel.password(password));
        } else {
            // same cost as a real check, so the answer's timing does not tell whether the user exists
            AuthenticatorUtils.dummyHash(context);
            valid = false;
        }
        if (valid) {
            store.recordSuccess(attempt, settings);
            context.setUser(user);
            context.getAuthenticationSession().setAuthNote(AuthenticationManager.PASSWORD_VALIDATED, "true");
            rememberMeIfAsked(context);
            context.success(PasswordCredentialModel.TYPE);
            return;
        }
        Decision failure = store.recordFailure(attempt, settings);
        describeLock(context, user, username, failure, attempt.id(), settings);
        context.getEvent().user(user).error(user == null ? Errors.USER_NOT_FOUND : Errors.INVALID_USER_CREDENTIALS);
        // with a response: failure(error) alone in a direct grant ends as a 500
        context.failure(AuthenticationFlowError.INVALID_CREDENTIALS, invalidCredentials());
    }

    /**
     * {@code remember_me=true} in a direct grant (the API's login sends it) gives the session the realm's
     * remember-me lifetimes, as the checkbox does in the browser; only where the realm allows remember-me.
     */
    private static void rememberMeIfAsked(AuthenticationFlowContext context) {
        String asked = context.getHttpRequest().getDecodedFormParameters().getFirst(REMEMBER_ME_PARAMETER);
        if ("true".equalsIgnoreCase(asked) && context.getRealm().isRememberMe()) {
            context.getAuthenticationSession().setAuthNote(Details.REMEMBER_ME, "true");
            context.getEvent().detail(Details.REMEMBER_ME, "true");
        }
    }

    private void refuseDirectGrant(AuthenticationFlowContext context, UserModel user, Decision decision) {
        context.getEvent().user(user);
        switch (decision.verdict()) {
            case LOCKED -> {
                // the same cost as a password check, so a locked account answers in the time a wrong password takes
                // (the per-IP request limit bounds what attacks on locked accounts can burn)
                AuthenticatorUtils.dummyHash(context);
                context.getEvent().detail(DETAIL_DECISION, "locked").error(Errors.USER_TEMPORARILY_DISABLED);
                context.forceChallenge(invalidCredentials());
            }
            case RATE_LIMITED -> {
                context.getEvent().detail(DETAIL_DECISION, "rate_limited").error(EVENT_ERROR_RATE_LIMITED);
                context.forceChallenge(withRetryAfter(
                        oauthError(
                                Response.Status.TOO_MANY_REQUESTS,
                                "too_many_requests",
                                "Too many requests; retry later"),
                        decision));
            }
            default -> {
                context.getEvent().detail(DETAIL_DECISION, "unavailable").error(EVENT_ERROR_STORE_UNAVAILABLE);
                context.forceChallenge(withRetryAfter(
                        oauthError(
                                Response.Status.SERVICE_UNAVAILABLE,
                                "temporarily_unavailable",
                                "Login is temporarily unavailable; retry later"),
                        decision));
            }
        }
    }

    // ---- browser

    @Override
    public void action(AuthenticationFlowContext context) {
        if (RESET_CREDENTIALS_FLOW_PATH.equals(context.getFlowPath())) {
            guardPasswordReset(context); // the 429 page's form was sent again: ask once more
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        UserModel preset = isUserAlreadySetBeforeUsernamePasswordAuth(context) ? context.getUser() : null;
        String username = preset != null ? preset.getUsername() : form.getFirst(AuthenticationManager.FORM_USERNAME);
        String password = form.getFirst(CredentialRepresentation.PASSWORD);
        boolean guess = !form.containsKey("cancel")
                && username != null
                && !username.isBlank()
                && password != null
                && !password.isEmpty();
        if (!guess) {
            super.action(context); // cancel, passkey, or an empty field: Keycloak's own answer, nothing to count
            return;
        }
        username = username.trim();
        UserModel user = preset != null ? preset : findUser(context, username);
        // a browser step without a config of its own follows the tenant's settings
        LockoutSettings settings =
                RequestLimits.settings(settingsCache, context.getAuthenticatorConfig(), context.getRealm());
        Attempt attempt = attempt(context, user, username);
        Decision decision = store.check(attempt, settings);
        if (!decision.allowed()) {
            refuseBrowser(context, user, username, decision);
            return;
        }
        LockoutBruteForceProtector.notLockedInThisRequest(context.getSession(), user);

        super.action(context);

        FlowStatus status = context.getStatus();
        if (status == FlowStatus.SUCCESS) {
            store.recordSuccess(attempt, settings);
        } else if (status == FlowStatus.FAILURE_CHALLENGE || status == FlowStatus.FAILED) {
            describeLock(context, user, username, store.recordFailure(attempt, settings), attempt.id(), settings);
        } else {
            store.release(attempt); // disabled account and the like: Keycloak answered without a guess being judged
        }
    }

    private void refuseBrowser(AuthenticationFlowContext context, UserModel user, String username, Decision decision) {
        context.getEvent().detail(Details.USERNAME, username).user(user);
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, username);
        switch (decision.verdict()) {
            case LOCKED -> {
                AuthenticatorUtils.dummyHash(context); // and in the time a wrong password takes
                context.getEvent().detail(DETAIL_DECISION, "locked").error(Errors.USER_TEMPORARILY_DISABLED);
                // the very page a wrong password (or, for an unknown name, a wrong username) gets
                AuthenticatorUtils.setupReauthenticationInUsernamePasswordFormError(context);
                context.forceChallenge(challenge(
                        context, getDefaultChallengeMessage(context), user == null ? FIELD_USERNAME : FIELD_PASSWORD));
                if (!isUserAlreadySetBeforeUsernamePasswordAuth(context)) {
                    context.clearUser();
                }
            }
            case RATE_LIMITED -> {
                context.getEvent().detail(DETAIL_DECISION, "rate_limited").error(EVENT_ERROR_RATE_LIMITED);
                context.forceChallenge(context.form()
                        .setExecution(context.getExecution().getId())
                        .setStatus(Response.Status.TOO_MANY_REQUESTS)
                        .setResponseHeader("Retry-After", Long.toString(decision.retryAfterSeconds()))
                        .setError(RATE_LIMITED_MESSAGE, decision.retryAfterSeconds())
                        .createLoginUsernamePassword());
            }
            default -> {
                context.getEvent().detail(DETAIL_DECISION, "unavailable").error(EVENT_ERROR_STORE_UNAVAILABLE);
                context.forceChallenge(context.form()
                        .setExecution(context.getExecution().getId())
                        .setStatus(Response.Status.SERVICE_UNAVAILABLE)
                        .setResponseHeader("Retry-After", Long.toString(decision.retryAfterSeconds()))
                        .setError(UNAVAILABLE_MESSAGE)
                        .createLoginUsernamePassword());
            }
        }
    }

    // ---- "forgot password"

    /**
     * After "Choose User": the request limits for the name that was asked for (the account when it exists), before
     * any e-mail is sent. A lock does not refuse: resetting the password is how a locked user gets back in.
     */
    private void guardPasswordReset(AuthenticationFlowContext context) {
        String username =
                context.getAuthenticationSession().getAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME);
        UserModel user = context.getUser();
        if (username == null && user == null) {
            context.success(); // no "Choose User" before this step: nothing to limit
            return;
        }
        String accountKey = user != null ? AccountKeys.forUser(user.getId()) : AccountKeys.forUnknownName(username);
        LockoutSettings settings =
                RequestLimits.settings(settingsCache, context.getAuthenticatorConfig(), context.getRealm());
        Decision decision = RequestLimits.check(
                store,
                settings,
                context.getRealm().getId(),
                accountKey,
                context.getConnection().getRemoteAddr());
        if (decision.allowed()) {
            context.success();
            return;
        }
        context.getEvent()
                .detail(Details.USERNAME, username)
                .user(user)
                .detail(DETAIL_DECISION, RequestLimits.decisionName(decision))
                .error(RequestLimits.eventError(decision));
        context.forceChallenge(context.form()
                .setExecution(context.getExecution().getId())
                .setStatus(RequestLimits.status(decision))
                .setResponseHeader("Retry-After", Long.toString(decision.retryAfterSeconds()))
                .addError(RequestLimits.message(decision))
                .createPasswordReset());
    }

    // ---- shared

    private Attempt attempt(AuthenticationFlowContext context, UserModel user, String username) {
        String accountKey = user != null ? AccountKeys.forUser(user.getId()) : AccountKeys.forUnknownName(username);
        // Keycloak's view of the client: it honours --proxy-headers and the trusted proxies, unlike a raw header
        return Attempt.of(
                context.getRealm().getId(), accountKey, context.getConnection().getRemoteAddr());
    }

    private static UserModel findUser(AuthenticationFlowContext context, String username) {
        try {
            return KeycloakModelUtils.findUserByNameOrEmail(context.getSession(), context.getRealm(), username);
        } catch (ModelDuplicateException e) {
            // an e-mail shared by two federated users: no single account to log in to; counted like an unknown name
            return null;
        }
    }

    /**
     * Adds the lock to this attempt's event, logs it once (operators want to see locks) and fires the lock's own
     * event (and e-mail).
     */
    private static void describeLock(
            AuthenticationFlowContext context,
            UserModel user,
            String username,
            Decision failure,
            String lockId,
            LockoutSettings settings) {
        if (failure.verdict() != Decision.Verdict.LOCKED) {
            return;
        }
        long seconds = failure.retryAfter().toSeconds();
        context.getEvent()
                .detail(DETAIL_DECISION, "lock")
                .detail(DETAIL_LOCK_SECONDS, Long.toString(seconds))
                .detail(DETAIL_CONSECUTIVE_LOCKS, Integer.toString(failure.consecutiveLocks()));
        LOG.infof(
                "Lockout: %s in realm %s locked for %d s (lock %d in a row)",
                user != null ? "user " + user.getId() : "an unknown username",
                context.getRealm().getName(),
                seconds,
                failure.consecutiveLocks());
        LockoutEvents.locked(context.getSession(), context.getRealm(), user, username, failure, lockId, settings);
    }

    static Response invalidCredentials() {
        return oauthError(Response.Status.UNAUTHORIZED, "invalid_grant", INVALID_CREDENTIALS);
    }

    private static Response oauthError(Response.Status status, String error, String description) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation(error, description))
                .build();
    }

    private static Response withRetryAfter(Response response, Decision decision) {
        return Response.fromResponse(response)
                .header("Retry-After", Long.toString(decision.retryAfterSeconds()))
                .build();
    }
}
