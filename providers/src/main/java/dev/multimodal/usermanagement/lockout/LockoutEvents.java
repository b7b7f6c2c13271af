package dev.multimodal.usermanagement.lockout;

import jakarta.ws.rs.core.UriInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.LoginActionsService;

/**
 * What happens when a failure locks an account: Keycloak's {@code USER_DISABLED_BY_TEMPORARY_LOCKOUT} event, and,
 * when the tenant wants it, the lockout e-mail with its unlock link.
 *
 * <p>The event is sent in a transaction of its own that commits at once: the failed login's own transaction may roll
 * back, the lock stands anyway (it lives in the store). Every event listener sees it once, the audit log included.
 * The e-mail leaves after that commit on a background thread, so a slow or failing SMTP server never changes or
 * delays the login's answer.
 */
final class LockoutEvents {

    private static final Logger LOG = Logger.getLogger(LockoutEvents.class);
    static final String MAIL_TEMPLATE = "um-lockout.ftl";
    static final String MAIL_SUBJECT = "umLockoutSubject";
    private static final String MAIL_EXECUTOR = "um-lockout-mail";
    /** The realm attribute behind "Frontend URL" in the admin console's realm settings. */
    private static final String FRONTEND_URL = "frontendUrl";

    private LockoutEvents() {}

    /**
     * @param user     the locked user; null for an unknown username (no e-mail then)
     * @param username the name the attempt used
     * @param lockId   the lock's id in the store (the attempt that set it): the unlock link ends this lock only
     */
    static void locked(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            String username,
            Decision lock,
            String lockId,
            LockoutSettings settings) {
        KeycloakContext context = session.getContext();
        String userId = user == null ? null : user.getId();
        String ip =
                context.getConnection() == null ? null : context.getConnection().getRemoteAddr();
        ClientModel client = context.getClient();
        boolean mailWanted = settings.lockoutEmail()
                && user != null
                && user.getEmail() != null
                && !user.getEmail().isBlank();
        if (mailWanted && !publicUrlConfigured(realm)) {
            LOG.warnf(
                    "Lockout e-mail to user %s of realm %s not sent: no public hostname is configured (--hostname, or the "
                            + "realm's Frontend URL), and a link built from the request's Host header could point anywhere",
                    userId, realm.getName());
            mailWanted = false;
        }
        String link = mailWanted ? unlockLink(session, realm, user, lock, lockId) : null;
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        ExecutorService mailer = link == null
                ? null
                : session.getProvider(ExecutorsProvider.class).getExecutor(MAIL_EXECUTOR);
        try {
            KeycloakModelUtils.runJobInTransaction(factory, context, inner -> {
                RealmModel innerRealm = inner.realms().getRealm(realm.getId());
                EventBuilder event = new EventBuilder(innerRealm, inner)
                        .event(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT)
                        .ipAddress(ip)
                        .user(userId)
                        .detail(Details.USERNAME, username)
                        .detail(Details.REASON, LockoutRateLimitAuthenticatorFactory.PROVIDER_ID)
                        .detail(
                                LockoutRateLimitAuthenticator.DETAIL_LOCK_SECONDS,
                                Long.toString(lock.retryAfterSeconds()))
                        .detail(
                                LockoutRateLimitAuthenticator.DETAIL_CONSECUTIVE_LOCKS,
                                Integer.toString(lock.consecutiveLocks()));
                if (client != null) {
                    event.client(client.getClientId());
                }
                event.success();
                if (link != null) {
                    inner.getTransactionManager()
                            .enlistAfterCompletion(afterCommit(
                                    () -> mail(mailer, () -> sendMail(factory, realm.getId(), userId, link, lock))));
                }
            });
        } catch (RuntimeException e) {
            // the lock is in the store already; a failed event must not turn the login's answer into a 500
            LOG.errorf(e, "Lockout event of realm %s not sent", realm.getName());
        }
    }

    /**
     * Whether links have a configured origin: the server's {@code hostname} option (hostname v2) or the realm's
     * Frontend URL. Without either, Keycloak takes the host from the request, which the caller chooses.
     */
    static boolean publicUrlConfigured(RealmModel realm) {
        String frontendUrl = realm.getAttribute(FRONTEND_URL);
        if (frontendUrl != null && !frontendUrl.isBlank()) {
            return true;
        }
        String hostname = Config.scope("hostname", "v2").get("hostname");
        return hostname != null && !hostname.isBlank();
    }

    private static String unlockLink(
            KeycloakSession session, RealmModel realm, UserModel user, Decision lock, String lockId) {
        int expires = Time.currentTime() + (int) Math.min(Integer.MAX_VALUE / 2, lock.retryAfterSeconds());
        UnlockActionToken token = new UnlockActionToken(user.getId(), expires, lockId);
        UriInfo uri = session.getContext().getUri();
        return LoginActionsService.actionTokenProcessor(uri)
                .queryParam("key", token.serialize(session, realm, uri))
                .build(realm.getName())
                .toString();
    }

    private static void sendMail(
            KeycloakSessionFactory factory, String realmId, String userId, String link, Decision lock) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm == null) {
                    return;
                }
                session.getContext().setRealm(realm); // user lookups and the e-mail theme need it
                UserModel user = session.users().getUserById(realm, userId);
                if (user == null || user.getEmail() == null) {
                    return;
                }
                try {
                    session.getProvider(EmailTemplateProvider.class)
                            .setRealm(realm)
                            .setUser(user)
                            .send(MAIL_SUBJECT, MAIL_TEMPLATE, mailAttributes(link, lock));
                } catch (EmailException e) {
                    // the address is the user's, not a secret, but the user id is enough to find the problem
                    LOG.warnf(
                            "Lockout e-mail to user %s of realm %s not sent: %s",
                            userId, realm.getName(), rootCause(e));
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Lockout e-mail to user %s not sent", userId);
        }
    }

    /** Mutable: the template provider adds its own attributes (locale, msg, ...). */
    private static Map<String, Object> mailAttributes(String link, Decision lock) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        attributes.put("lockMinutes", Math.max(1, (lock.retryAfterSeconds() + 59) / 60));
        return attributes;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    private static void mail(ExecutorService mailer, Runnable task) {
        try {
            mailer.execute(task);
        } catch (RuntimeException e) {
            LOG.warnf("Lockout e-mail not queued: %s", e.getMessage());
        }
    }

    private static AbstractKeycloakTransaction afterCommit(Runnable action) {
        return new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {}
        };
    }
}
