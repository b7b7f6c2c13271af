package dev.multimodal.usermanagement.mail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

/**
 * Puts the server's SMTP settings into the realms' own ("Realm settings → Email"), so the console shows what is
 * used. A realm follows the server while its SMTP settings are empty or still the ones last put there; once an
 * operator edits them in the console they are the realm's own and stay (clearing the host hands it back).
 *
 * <p>New realms (tenants from the template, the imported demo) get them when created. Existing realms at start-up,
 * only when the server's settings differ from those of the last pass (a fingerprint on the platform realm), so a
 * usual start costs one read however many tenants there are.
 */
final class RealmSmtp {

    /** On each realm: the fingerprint of the settings this put there (without the password). */
    static final String APPLIED = "userManagement.serverSmtp";
    /** On the platform realm: the fingerprint of the server's settings at the last pass over all realms. */
    static final String LAST_PASS = "userManagement.serverSmtpPass";

    private static final int BATCH = 100;
    private static final Logger LOG = Logger.getLogger(RealmSmtp.class);

    private RealmSmtp() {}

    static void applyOnChange(KeycloakSessionFactory factory, ServerSmtp server) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                apply(created.getCreatedRealm(), server);
            } else if (event instanceof PostMigrationEvent) {
                applyToAll(factory, server);
            }
        });
    }

    private static void applyToAll(KeycloakSessionFactory factory, ServerSmtp server) {
        String fingerprint = server.passFingerprint();
        List<String> realmIds = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            RealmModel platform = session.realms().getRealmByName(Config.getAdminRealm());
            if (platform == null || fingerprint.equals(platform.getAttribute(LAST_PASS))) {
                return List.of();
            }
            return session.realms().getRealmsStream().map(RealmModel::getId).toList();
        });
        if (realmIds.isEmpty()) {
            return;
        }
        AtomicInteger changed = new AtomicInteger();
        for (int from = 0; from < realmIds.size(); from += BATCH) {
            List<String> batch = realmIds.subList(from, Math.min(from + BATCH, realmIds.size()));
            KeycloakModelUtils.runJobInTransaction(
                    factory,
                    session -> batch.forEach(id -> {
                        RealmModel realm = session.realms().getRealm(id);
                        if (realm != null && apply(realm, server)) {
                            changed.incrementAndGet();
                        }
                    }));
        }
        KeycloakModelUtils.runJobInTransaction(
                factory,
                session ->
                        session.realms().getRealmByName(Config.getAdminRealm()).setAttribute(LAST_PASS, fingerprint));
        LOG.infof(
                "Server SMTP (%s) applied to %d of %d realms; the others have SMTP settings of their own or already had these",
                server, changed.get(), realmIds.size());
    }

    /**
     * Brings one realm's SMTP settings in line with the server's unless they are the realm's own. Idempotent.
     *
     * @return whether it changed the realm
     */
    static boolean apply(RealmModel realm, ServerSmtp server) {
        Map<String, String> current = realm.getSmtpConfig();
        boolean ours = PlatformEmailSender.hasHost(current)
                && ServerSmtp.fingerprint(current).equals(realm.getAttribute(APPLIED));
        if (PlatformEmailSender.hasHost(current) && !ours) {
            return false; // the realm's own
        }
        if (!server.configured()) {
            if (ours) {
                realm.setSmtpConfig(new HashMap<>());
                realm.removeAttribute(APPLIED);
            }
            return ours;
        }
        if (ours && current.equals(server.realmConfig())) {
            return false;
        }
        realm.setSmtpConfig(new HashMap<>(server.realmConfig()));
        realm.setAttribute(APPLIED, server.fingerprint());
        return true;
    }
}
