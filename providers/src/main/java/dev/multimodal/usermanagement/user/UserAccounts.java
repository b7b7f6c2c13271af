package dev.multimodal.usermanagement.user;

import dev.multimodal.usermanagement.user.bcrypt.BcryptPasswordHashProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.userprofile.UserProfileContext;

/** Creating users and setting passwords the same way for sign-up, admin creation and password changes. */
public final class UserAccounts {

    private static final String DUMMY_PASSWORD = "SlightlyLongerDummyPassword";

    private final KeycloakSession session;
    private final RealmModel realm;

    public UserAccounts(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public record NewUser(
            String username,
            String email,
            String firstName,
            String lastName,
            String password,
            boolean temporaryPassword,
            String role) {}

    /** The password breaks these rules of the tenant's policy (all of them, in the policy's words). */
    public static final class WeakPasswordException extends RuntimeException {
        private final List<String> brokenRules;

        WeakPasswordException(List<String> brokenRules) {
            super("the password breaks the policy", null, false, false);
            this.brokenRules = brokenRules;
        }

        public List<String> brokenRules() {
            return brokenRules;
        }
    }

    /** A user made by an admin (our API's user administration and tenant creation). */
    public UserModel create(NewUser request) {
        return create(request, UserProfileContext.USER_API);
    }

    /**
     * The user profile's rules, then the password policy, come before whether the name is taken, so a refused
     * request gets the same answer either way; a taken name then costs the one hash a new account's password costs.
     *
     * @param context the user-profile context whose rules the attributes must meet ({@code REGISTRATION} for sign-up)
     * @throws ProfileRules.InvalidProfileException when the realm's user profile refuses an attribute
     * @throws WeakPasswordException when the password breaks the policy
     * @throws ModelDuplicateException when the username or e-mail is taken, also by a parallel request
     */
    public UserModel create(NewUser request, UserProfileContext context) {
        return inRealm(() -> {
            String username = request.username().trim().toLowerCase(Locale.ROOT);
            String email = request.email().trim().toLowerCase(Locale.ROOT);
            ProfileRules.require(
                    session,
                    realm,
                    context,
                    null,
                    attributes(username, email, request.firstName(), request.lastName()));
            UserModel candidate = new LightweightUserAdapter(session, realm, null); // held nowhere, no credentials
            candidate.setUsername(username);
            candidate.setEmail(email);
            List<String> broken = PasswordRules.broken(session, realm, candidate, request.password());
            if (!broken.isEmpty()) {
                throw new WeakPasswordException(broken);
            }
            if (session.users().getUserByUsername(realm, username) != null
                    || session.users().getUserByEmail(realm, email) != null) {
                hashOnce(request.password());
                throw new ModelDuplicateException("username or e-mail taken");
            }
            UserModel user = session.users().addUser(realm, username);
            user.setEnabled(true);
            user.setEmail(email);
            user.setFirstName(request.firstName());
            user.setLastName(request.lastName());
            setPassword(user, request.password(), request.temporaryPassword());
            RoleModel role = realm.getRole(request.role());
            if (role != null) {
                user.grantRole(role);
            }
            flush();
            return user;
        });
    }

    /** A user of the old service with the bcrypt hash of their password, which they keep using. */
    public UserModel importWithHash(
            String username,
            String email,
            String firstName,
            String lastName,
            boolean enabled,
            String role,
            String bcryptHash) {
        return inRealm(() -> {
            UserModel user = session.users().addUser(realm, username.trim().toLowerCase(Locale.ROOT));
            user.setEnabled(enabled);
            user.setEmail(email.trim().toLowerCase(Locale.ROOT));
            user.setEmailVerified(true);
            user.setFirstName(firstName);
            user.setLastName(lastName);
            user.credentialManager().createStoredCredential(BcryptPasswordHashProvider.credentialOf(bcryptHash));
            RoleModel roleModel = realm.getRole(role);
            if (roleModel != null) {
                user.grantRole(roleModel);
            }
            return user;
        });
    }

    /** Keycloak's attribute names to values (null: not given). */
    public static Map<String, String> attributes(String username, String email, String firstName, String lastName) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(UserModel.USERNAME, username);
        attributes.put(UserModel.EMAIL, email);
        attributes.put(UserModel.FIRST_NAME, firstName);
        attributes.put(UserModel.LAST_NAME, lastName);
        return attributes;
    }

    /** Sends pending inserts now, so a unique key broken by a parallel request is a conflict here, not at commit. */
    public void flush() {
        session.getProvider(JpaConnectionProvider.class).getEntityManager().flush();
    }

    /** Sets the password after checking every rule (history included); a temporary one must be changed at next login. */
    public void setPassword(UserModel user, String password, boolean temporary) {
        inRealm(() -> {
            List<String> broken = PasswordRules.broken(session, realm, user, password);
            if (!broken.isEmpty()) {
                throw new WeakPasswordException(broken);
            }
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
            if (temporary) {
                user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
            } else {
                user.removeRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
            }
            return null;
        });
    }

    /**
     * Hashes once with the realm's algorithm and cost and throws the result away: what checking a password costs,
     * for the answers that must not tell, by their timing, that an account does not exist.
     */
    public void hashOnce(String password) {
        inRealm(() -> {
            PasswordPolicy policy = realm.getPasswordPolicy();
            PasswordHashProvider hash = policy.getHashAlgorithm() == null
                    ? session.getProvider(PasswordHashProvider.class)
                    : session.getProvider(PasswordHashProvider.class, policy.getHashAlgorithm());
            if (hash != null) {
                hash.encodedCredential(password == null ? DUMMY_PASSWORD : password, policy.getHashIterations());
            }
            return null;
        });
    }

    public boolean passwordMatches(UserModel user, String password) {
        return inRealm(() -> user.credentialManager().isValid(UserCredentialModel.password(password)));
    }

    /**
     * Ends the user's sessions (all but {@code keep}, which may be null), telling their clients as a logout does, and
     * every offline session (offline tokens), {@code keep}'s included: an offline token must not outlive a password
     * change, a reset or a disable.
     */
    public void endSessions(UserModel user, String keep) {
        inRealm(() -> {
            KeycloakContext context = session.getContext();
            List<UserSessionModel> sessions = session.sessions()
                    .getUserSessionsStream(realm, user)
                    .filter(userSession -> !userSession.getId().equals(keep))
                    .toList();
            for (UserSessionModel userSession : sessions) {
                AuthenticationManager.backchannelLogout(
                        session,
                        realm,
                        userSession,
                        context.getUri(),
                        context.getConnection(),
                        context.getRequestHeaders(),
                        true);
            }
            UserSessionManager offline = new UserSessionManager(session);
            offline.findOfflineSessionsStream(realm, user).toList().forEach(offline::revokeOfflineUserSession);
            return null;
        });
    }

    /** The user's sessions, online and offline (an offline session has the id of the login that made it). */
    public List<UserSessionModel> sessions(UserModel user) {
        return Stream.concat(
                        session.sessions().getUserSessionsStream(realm, user),
                        session.sessions().getOfflineUserSessionsStream(realm, user))
                .toList();
    }

    /** Ends the user's session {@code id}, online and offline; false when the user has neither. */
    public boolean endSession(UserModel user, String id) {
        boolean ended = false;
        UserSessionModel online = session.sessions().getUserSession(realm, id);
        if (online != null && online.getUser().getId().equals(user.getId())) {
            session.sessions().removeUserSession(realm, online);
            ended = true;
        }
        UserSessionModel offline = session.sessions().getOfflineUserSession(realm, id);
        if (offline != null && offline.getUser().getId().equals(user.getId())) {
            new UserSessionManager(session).revokeOfflineUserSession(offline);
            ended = true;
        }
        return ended;
    }

    /** Keycloak's credential, policy and logout code reads the context realm: make it the tenant's while we work. */
    private <T> T inRealm(Supplier<T> work) {
        KeycloakContext context = session.getContext();
        RealmModel previous = context.getRealm();
        context.setRealm(realm);
        try {
            return work.get();
        } finally {
            context.setRealm(previous);
        }
    }
}
