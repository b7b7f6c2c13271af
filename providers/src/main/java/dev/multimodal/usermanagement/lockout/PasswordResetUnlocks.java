package dev.multimodal.usermanagement.lockout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.credential.PasswordCredentialModel;

/** Which events complete a password reset or change, and whose: the pure part of {@link LockoutEventListenerProvider}. */
final class PasswordResetUnlocks {

    /** Admin console and admin REST API: {@code PUT /admin/realms/{realm}/users/{id}/reset-password}. */
    private static final Pattern ADMIN_RESET_PATH = Pattern.compile("^users/([^/]+)/reset-password$");

    private PasswordResetUnlocks() {}

    /**
     * The user whose password was set by this user event, or null. {@code UPDATE_PASSWORD} ends the "forgot password"
     * flow, a required password update and a user's own change (the API's too); Keycloak also sends
     * {@code UPDATE_CREDENTIAL} for the same change, so both lead to one (idempotent) unlock.
     */
    static String userOf(Event event) {
        if (event.getUserId() == null || event.getType() == null) {
            return null;
        }
        if (event.getType() == EventType.UPDATE_PASSWORD) {
            return event.getUserId();
        }
        if (event.getType() == EventType.UPDATE_CREDENTIAL
                && event.getDetails() != null
                && PasswordCredentialModel.TYPE.equals(event.getDetails().get(Details.CREDENTIAL_TYPE))) {
            return event.getUserId();
        }
        return null;
    }

    /** The user whose password an admin reset, or null. */
    static String userOf(AdminEvent event) {
        if (event.getOperationType() != OperationType.ACTION
                || event.getResourceType() != ResourceType.USER
                || event.getResourcePath() == null) {
            return null;
        }
        Matcher matcher = ADMIN_RESET_PATH.matcher(event.getResourcePath());
        return matcher.matches() ? matcher.group(1) : null;
    }
}
