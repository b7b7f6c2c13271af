package dev.multimodal.usermanagement.audit;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Which events the {@code audit} listener records: what Keycloak's own event store would save for the realm.
 * <ul>
 *   <li>user events of the realm's enabled event types (admin console: Realm settings, Events, User events settings;
 *       the tenant setting {@code audit_event_types} edits the same list); when none is chosen, Keycloak's default
 *       set ({@link EventType#isSaveByDefault()}), which leaves out the frequent, low-value reads: token refresh,
 *       userinfo, token validation and introspection;</li>
 *   <li>admin events when the realm saves admin events;</li>
 *   <li>always: the lockout's events and the API's admin actions (see {@link #apiAction}), whatever the realm saves.</li>
 * </ul>
 * Whether Keycloak's own store is switched on ("Save events") does not matter: the listener being on is the switch.
 */
public final class AuditEventTypes {

    /** Events of our lockout, recorded in every realm that has the listener. */
    static final Set<EventType> ALWAYS =
            EnumSet.of(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT, EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT);

    /** Session attribute set while the API sends its admin events, so they are recorded whatever the realm saves. */
    private static final String API_ACTION = "um.audit.apiAction";

    private AuditEventTypes() {}

    /** @param realm null when it is gone: recorded, as before it went */
    public static boolean recorded(RealmModel realm, EventType type) {
        if (realm == null || ALWAYS.contains(type)) {
            return true;
        }
        List<String> enabled = realm.getEnabledEventTypesStream().toList();
        return enabled.isEmpty() ? type.isSaveByDefault() : enabled.contains(type.name());
    }

    public static boolean adminEventRecorded(KeycloakSession session, RealmModel realm) {
        return realm == null || realm.isAdminEventsEnabled() || Boolean.TRUE.equals(session.getAttribute(API_ACTION));
    }

    /** Runs {@code send} (which sends the API's admin events) so that the listener records them in any realm. */
    public static void apiAction(KeycloakSession session, Runnable send) {
        Object before = session.getAttribute(API_ACTION);
        session.setAttribute(API_ACTION, Boolean.TRUE);
        try {
            send.run();
        } finally {
            if (before == null) {
                session.removeAttribute(API_ACTION);
            } else {
                session.setAttribute(API_ACTION, before);
            }
        }
    }

    /** The realm's chosen types, or null when it saves Keycloak's default set. */
    public static List<String> chosen(RealmModel realm) {
        List<String> enabled = realm.getEnabledEventTypesStream().sorted().toList();
        return enabled.isEmpty() ? null : enabled;
    }

    /** Keycloak's default set, for documentation and for a client that wants to extend it. */
    public static List<String> defaults() {
        return Arrays.stream(EventType.values())
                .filter(EventType::isSaveByDefault)
                .map(Enum::name)
                .toList();
    }

    /** The names among {@code names} that are no Keycloak event type. */
    public static List<String> unknown(List<String> names) {
        return names.stream()
                .filter(name -> name == null
                        || Arrays.stream(EventType.values())
                                .noneMatch(t -> t.name().equals(name)))
                .toList();
    }

    /** @param types null or empty: Keycloak's default set */
    public static void choose(RealmModel realm, List<String> types) {
        realm.setEnabledEventTypes(types == null ? Set.of() : Set.copyOf(types));
    }
}
