package dev.multimodal.usermanagement.user;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.messages.Messages;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * User attributes checked against the realm's user profile (admin console → Realm settings → User profile), the
 * same rules Keycloak's own forms and admin API apply, so nothing our API stores makes the next browser login ask for
 * a profile update. Taken usernames and e-mails are left to the callers (409, after their own checks).
 */
public final class ProfileRules {

    /** Our API's field names for the profile's attributes. */
    private static final Map<String, String> FIELDS = Map.of(
            UserModel.USERNAME,
            "username",
            UserModel.EMAIL,
            "email",
            UserModel.FIRST_NAME,
            "first_name",
            UserModel.LAST_NAME,
            "last_name");

    private static final Set<String> DUPLICATES = Set.of(Messages.USERNAME_EXISTS, Messages.EMAIL_EXISTS);

    private ProfileRules() {}

    /** One refused attribute, named as our API names it. */
    public record Violation(String field, String message) {
        Violation prefixed(String prefix) {
            return new Violation(prefix + field, message);
        }
    }

    /** The profile refuses these attributes; a 400 naming each. */
    public static final class InvalidProfileException extends RuntimeException {
        private final List<Violation> violations;

        InvalidProfileException(List<Violation> violations) {
            super("the user profile refuses " + violations, null, false, false);
            this.violations = violations;
        }

        public List<Violation> violations() {
            return violations;
        }

        /** The same violations with field names as another request names them ({@code admin_} at tenant creation). */
        public InvalidProfileException prefixed(String prefix) {
            return new InvalidProfileException(
                    violations.stream().map(v -> v.prefixed(prefix)).toList());
        }
    }

    /**
     * The violations of the profile if {@code changes} were applied.
     *
     * @param user    the user as stored, or null for a new one
     * @param changes Keycloak attribute names ({@link UserModel#FIRST_NAME}, ...) to their new values; null values are
     *                left as they are
     */
    public static List<Violation> check(
            KeycloakSession session,
            RealmModel realm,
            UserProfileContext context,
            UserModel user,
            Map<String, String> changes) {
        // the profile replaces what it is given: start from every current value, so an omitted field is not a removal
        Map<String, List<String>> attributes = new HashMap<>();
        if (user != null) {
            user.getAttributes().forEach((name, values) -> attributes.put(name, new ArrayList<>(values)));
        }
        changes.forEach((name, value) -> {
            if (value != null) {
                attributes.put(name, List.of(value));
            }
        });
        KeycloakContext keycloakContext = session.getContext();
        RealmModel previous = keycloakContext.getRealm();
        keycloakContext.setRealm(realm); // the provider reads the realm's profile from the context
        try {
            UserProfileProvider provider = session.getProvider(UserProfileProvider.class);
            UserProfile profile =
                    user == null ? provider.create(context, attributes) : provider.create(context, attributes, user);
            profile.validate();
            return List.of();
        } catch (ValidationException refused) {
            Set<Violation> violations = new LinkedHashSet<>();
            for (ValidationException.Error error : refused.getErrors()) {
                if (!DUPLICATES.contains(error.getMessage())) {
                    violations.add(new Violation(
                            FIELDS.getOrDefault(error.getAttribute(), error.getAttribute()),
                            message(error.getMessage())));
                }
            }
            return List.copyOf(violations);
        } finally {
            keycloakContext.setRealm(previous);
        }
    }

    /** @throws InvalidProfileException when the profile refuses the attributes */
    public static void require(
            KeycloakSession session,
            RealmModel realm,
            UserProfileContext context,
            UserModel user,
            Map<String, String> changes) {
        List<Violation> violations = check(session, realm, context, user, changes);
        if (!violations.isEmpty()) {
            throw new InvalidProfileException(violations);
        }
    }

    /** Our wording for the messages of Keycloak's built-in validators; the message key for others. */
    static String message(String key) {
        return switch (key) {
            case "error-person-name-invalid-character" ->
                "must not contain < > & \" $ % ! # ? § ; * ~ / \\ | ^ = [ ] { } ( ) or control characters";
            case "error-username-invalid-character" ->
                "must be letters, digits or . _ @ + - without spaces or look-alike characters";
            case "error-invalid-length", "error-invalid-length-too-short", "error-invalid-length-too-long" ->
                "has a length the tenant's user profile does not allow";
            case "error-invalid-email" -> "is not a valid e-mail address";
            case "error-user-attribute-required" -> "is required";
            case "error-user-attribute-read-only" -> "cannot be changed";
            default -> "is refused by the tenant's user profile (" + key + ")";
        };
    }
}
