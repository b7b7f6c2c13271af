package dev.multimodal.usermanagement.tenant;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The platform realm (platform admins) is never a tenant, but what its admins do to tenants is audited in its own
 * log: at every start the realm gets the {@code audit} event listener if it lacks it (once, logged).
 */
public final class PlatformRealm {

    private static final Logger LOG = Logger.getLogger(PlatformRealm.class);
    private static final String AUDIT_LISTENER = "audit";

    private PlatformRealm() {
    }

    public static void auditFromStart(KeycloakSessionFactory factory, String platformRealm) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealmByName(platformRealm);
                    if (realm == null) {
                        return;
                    }
                    Set<String> listeners = realm.getEventsListenersStream().collect(Collectors.toCollection(LinkedHashSet::new));
                    if (listeners.add(AUDIT_LISTENER)) {
                        realm.setEventsListeners(listeners);
                        LOG.infof("Platform realm '%s': event listener '%s' added, so platform actions are audited in its log",
                                platformRealm, AUDIT_LISTENER);
                    }
                });
            }
        });
    }
}
