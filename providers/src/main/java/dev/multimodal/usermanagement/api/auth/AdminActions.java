package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.audit.AuditEventTypes;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * The API's admin actions as Keycloak admin events, exactly as the admin console's own: every event listener of
 * the realm acted on sees them (the {@code audit} listener writes each as one row in the action's transaction, so
 * a rolled-back action leaves none), and Keycloak's admin-event store keeps them where the realm enables it.
 * Send one when the action has succeeded; never put a password or a hash into a representation or a detail.
 */
public final class AdminActions {

    /** Resource types of our own (Keycloak's {@code ResourceType} has none for these). */
    public static final String TENANT = "TENANT";

    public static final String TENANT_SETTINGS = "TENANT_SETTINGS";
    public static final String USER_IMPORT = "USER_IMPORT";
    public static final String AUDIT_LOG = "AUDIT_LOG";

    private static final Logger LOG = Logger.getLogger(AdminActions.class);

    private final KeycloakSession session;
    private final List<AdminEventBuilder> events;
    private final Caller caller;
    private final RealmModel realm;

    private AdminActions(KeycloakSession session, List<AdminEventBuilder> events, Caller caller, RealmModel realm) {
        this.session = session;
        this.events = events;
        this.caller = caller;
        this.realm = realm;
    }

    /** Actions on the caller's tenant (for a platform admin: the tenant in the path). */
    public static AdminActions of(KeycloakSession session, Caller caller) {
        return in(session, caller, caller.tenant());
    }

    /**
     * Actions on the given realm, recorded in its log; a platform admin's action on a tenant also in the platform
     * realm's own log, which outlives a purged tenant and is where platform actions are looked for.
     */
    public static AdminActions in(KeycloakSession session, Caller caller, RealmModel realm) {
        List<AdminEventBuilder> events = caller.realm().getId().equals(realm.getId())
                ? List.of(builder(session, caller, realm))
                : List.of(builder(session, caller, realm), builder(session, caller, caller.realm()));
        return new AdminActions(session, events, caller, realm);
    }

    private static AdminEventBuilder builder(KeycloakSession session, Caller caller, RealmModel realm) {
        ClientModel client = session.clients()
                .getClientByClientId(caller.realm(), caller.token().getIssuedFor());
        if (client == null) {
            throw ApiProblem.unauthorized("The token's client no longer exists.");
        }
        AdminAuth auth = new AdminAuth(caller.realm(), caller.token(), caller.user(), client);
        return new AdminEventBuilder(realm, auth, session, session.getContext().getConnection());
    }

    public AdminActions detail(String key, String value) {
        events.forEach(event -> event.detail(key, value));
        return this;
    }

    /**
     * Sends the event and logs one line for operators.
     *
     * @param representation what the resource looks like now (no secrets), or null
     * @param path the resource's path below the realm, e.g. {@code "users", id}
     */
    public void record(OperationType operation, String resourceType, Object representation, String... path) {
        // recorded in the audit log whatever admin events the realm saves: these are the API's own actions
        AuditEventTypes.apiAction(
                session,
                () -> events.forEach(event -> event.operation(operation)
                        .resource(resourceType)
                        .resourcePath(path)
                        .representation(representation)
                        .success()));
        LOG.infof(
                "%s %s %s in tenant %s (by %s of %s)",
                operation,
                resourceType,
                String.join("/", path),
                realm.getName(),
                caller.user().getUsername(),
                caller.realm().getName());
    }
}
