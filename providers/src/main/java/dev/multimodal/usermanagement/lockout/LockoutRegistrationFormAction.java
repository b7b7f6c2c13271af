package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Details;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The rate limits on the registration form: requests per client IP and per username (the name asked for, or the
 * e-mail when it is the username). A refusal re-renders the form with 429, {@code Retry-After} and the themed message;
 * no failure is counted (registering guesses no password) and locks do not apply (a locked name may be registered by
 * nobody else anyway).
 */
public class LockoutRegistrationFormAction implements FormAction {

    /** Request attribute: the refusal that {@link #buildPage} turns into the page's status and header. */
    private static final String REFUSAL = LockoutRegistrationFormAction.class.getName() + ".refusal";

    private final LockoutStore store;
    private final SettingsCache settingsCache;

    LockoutRegistrationFormAction(LockoutStore store, SettingsCache settingsCache) {
        this.store = store;
        this.settingsCache = settingsCache;
    }

    @Override
    public void validate(ValidationContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        RealmModel realm = context.getRealm();
        String username =
                realm.isRegistrationEmailAsUsername() ? form.getFirst(Details.EMAIL) : form.getFirst(Details.USERNAME);
        LockoutSettings settings = RequestLimits.settings(settingsCache, context.getAuthenticatorConfig(), realm);
        Decision decision = RequestLimits.check(
                store,
                settings,
                realm.getId(),
                AccountKeys.forUnknownName(username),
                context.getConnection().getRemoteAddr());
        if (decision.allowed()) {
            context.success();
            return;
        }
        context.getSession().setAttribute(REFUSAL, decision);
        context.getEvent().detail(LockoutRateLimitAuthenticator.DETAIL_DECISION, RequestLimits.decisionName(decision));
        context.error(RequestLimits.eventError(decision));
        context.excludeOtherErrors();
        context.validationError(form, List.of(RequestLimits.message(decision)));
    }

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
        Object refusal = context.getSession().getAttribute(REFUSAL);
        if (refusal instanceof Decision decision) {
            form.setStatus(RequestLimits.status(decision))
                    .setResponseHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
        }
    }

    @Override
    public void success(FormContext context) {}

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

    @Override
    public void close() {}
}
