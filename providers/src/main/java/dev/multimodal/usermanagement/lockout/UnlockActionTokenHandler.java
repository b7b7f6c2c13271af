package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.messages.Messages;

/**
 * Follows the lockout e-mail's link: ends the lock it was sent for (never a later one: the store compares the lock's
 * id) and shows a themed info page. Single use: the token's key goes
 * into Keycloak's single-use store (shared by the cluster) before the lock is cleared, so a second click finds it
 * there and gets Keycloak's "expired link" page. Fires one {@code EXECUTE_ACTION_TOKEN} event with
 * {@code action=um-unlock-account}.
 */
public class UnlockActionTokenHandler extends AbstractActionTokenHandler<UnlockActionToken> {

    /** Theme messages of the page the link opens (login theme {@code user-management}). */
    static final String UNLOCKED_TITLE = "umAccountUnlockedTitle";

    static final String UNLOCKED_MESSAGE = "umAccountUnlockedMessage";
    private static final Logger LOG = Logger.getLogger(UnlockActionTokenHandler.class);

    public UnlockActionTokenHandler() {
        super(
                UnlockActionToken.TOKEN_TYPE,
                UnlockActionToken.class,
                Messages.INVALID_CODE,
                EventType.EXECUTE_ACTION_TOKEN,
                Errors.INVALID_TOKEN);
    }

    @Override
    public boolean canUseTokenRepeatedly(UnlockActionToken token, ActionTokenContext<UnlockActionToken> tokenContext) {
        return false;
    }

    @Override
    public Response handleToken(UnlockActionToken token, ActionTokenContext<UnlockActionToken> tokenContext) {
        var session = tokenContext.getSession();
        var realm = tokenContext.getRealm();
        UserModel user = tokenContext.getAuthenticationSession().getAuthenticatedUser();
        long lifespan = Math.max(1, token.getExp() - Time.currentTime());
        // Keycloak checked "not used yet" before calling us; putIfAbsent closes the race of two clicks at once
        if (!session.singleUseObjects().putIfAbsent(token.serializeKey(), lifespan)) {
            tokenContext.getEvent().error(Errors.EXPIRED_CODE);
            return session.getProvider(LoginFormsProvider.class)
                    .setAuthenticationSession(tokenContext.getAuthenticationSession())
                    .setError(Messages.EXPIRED_ACTION)
                    .createErrorPage(Response.Status.BAD_REQUEST);
        }
        boolean ended;
        try {
            ended = token.getLockId() != null
                    && LockoutRateLimitAuthenticatorFactory.storeFor(session)
                            .unlock(realm.getId(), AccountKeys.forUser(user.getId()), token.getLockId());
        } catch (LockoutStoreException e) {
            LOG.warnf(
                    "Unlock link of user %s in realm %s: the lockout store is unreachable",
                    user.getId(), realm.getName());
            session.singleUseObjects().remove(token.serializeKey()); // nothing happened: the link may be used again
            tokenContext.getEvent().error(LockoutRateLimitAuthenticator.EVENT_ERROR_STORE_UNAVAILABLE);
            return session.getProvider(LoginFormsProvider.class)
                    .setAuthenticationSession(tokenContext.getAuthenticationSession())
                    .setError(LockoutRateLimitAuthenticator.UNAVAILABLE_MESSAGE)
                    .createErrorPage(Response.Status.SERVICE_UNAVAILABLE);
        }
        if (!ended) {
            // that lock is over (it expired or ended otherwise); whatever lock there is now is not this link's
            tokenContext
                    .getEvent()
                    .user(user)
                    .detail(Details.ACTION, UnlockActionToken.TOKEN_TYPE)
                    .detail(LockoutRateLimitAuthenticator.DETAIL_DECISION, "lock_over")
                    .error(Errors.EXPIRED_CODE);
            return session.getProvider(LoginFormsProvider.class)
                    .setAuthenticationSession(tokenContext.getAuthenticationSession())
                    .setError(Messages.EXPIRED_ACTION)
                    .createErrorPage(Response.Status.BAD_REQUEST);
        }
        tokenContext
                .getEvent()
                .user(user)
                .detail(Details.ACTION, UnlockActionToken.TOKEN_TYPE)
                .detail(LockoutRateLimitAuthenticator.DETAIL_DECISION, "unlock")
                .success();
        Response page = session.getProvider(LoginFormsProvider.class)
                .setAuthenticationSession(tokenContext.getAuthenticationSession())
                .setAttribute("messageHeader", UNLOCKED_TITLE)
                .setSuccess(UNLOCKED_MESSAGE)
                .setAttribute("skipLink", true)
                .createInfoPage();
        // the session existed only to show this page; nothing continues from it
        new AuthenticationSessionManager(session)
                .removeAuthenticationSession(realm, tokenContext.getAuthenticationSession(), true);
        return page;
    }
}
