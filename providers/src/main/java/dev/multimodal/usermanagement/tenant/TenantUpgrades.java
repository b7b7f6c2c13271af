package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.lockout.ConsoleLocks;
import dev.multimodal.usermanagement.lockout.LockoutFlows;
import dev.multimodal.usermanagement.theme.ThemeSettings;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

/**
 * Brings tenants made from an older template up to the current one. Each step is idempotent and says whether it
 * changed something; a tenant's registry row keeps how many steps it has had ({@code UM_TENANT.UPGRADE_LEVEL}), so a
 * start runs one query on the registry and touches only tenants behind, each in its own transaction. A new tenant gets every
 * step when its realm is created and starts at the current level. A step is never removed or reordered: append.
 */
public final class TenantUpgrades {

    private static final Logger LOG = Logger.getLogger(TenantUpgrades.class);

    /** An idempotent change of one tenant realm; true when it changed something. */
    @FunctionalInterface
    interface Step {
        boolean apply(KeycloakSession session, RealmModel realm);
    }

    private record Named(String name, Step step) {}

    private static final List<Named> STEPS = List.of(
            new Named(
                    "client scope 'tenant' (tenant_id, roles, permissions for every client)", TenantClaimsScope::apply),
            new Named("the tenant's default role for users without a tenant role", DefaultRole::apply),
            new Named("theme user-management with English and German", ThemeSettings::apply),
            new Named("the lockout step's named config", LockoutFlows::apply),
            new Named(
                    "brute force detection on, so the admin console shows the lockout step's locks",
                    ConsoleLocks::apply),
            new Named("password policy without '(undefined)' arguments", PolicyArgumentsCleanup::apply));

    public static final int CURRENT_LEVEL = STEPS.size();

    private TenantUpgrades() {}

    /** At every start, once Keycloak's own migration is done: every tenant below the current level, one at a time. */
    public static void runAtStart(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                List<String> behind = KeycloakModelUtils.runJobInTransactionWithResult(
                        factory, session -> new TenantRegistry(session).belowLevel(CURRENT_LEVEL));
                behind.forEach(realmId -> upgradeOne(factory, realmId));
            }
        });
    }

    private static void upgradeOne(KeycloakSessionFactory factory, String realmId) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                TenantEntity entry = new TenantRegistry(session).find(realmId);
                if (realm == null || entry == null) {
                    return;
                }
                session.getContext()
                        .setRealm(realm); // as in a request to the tenant: some of Keycloak's providers ask for it
                int from = entry.getUpgradeLevel();
                List<String> changed = upgrade(session, realm, entry);
                if (!changed.isEmpty()) {
                    LOG.infof(
                            "Tenant %s upgraded from level %d to %d: %s",
                            realm.getName(), from, CURRENT_LEVEL, String.join("; ", changed));
                }
            });
        } catch (RuntimeException e) {
            // one broken tenant must not stop the start; it stays behind and is tried again at the next start
            LOG.errorf(
                    e,
                    "Tenant realm %s could not be upgraded to level %d; retried at the next start",
                    realmId,
                    CURRENT_LEVEL);
        }
    }

    /** Applies the steps the tenant has not had yet and records the current level; returns the steps that changed it. */
    static List<String> upgrade(KeycloakSession session, RealmModel realm, TenantEntity entry) {
        List<String> changed = new ArrayList<>();
        for (int level = Math.max(0, entry.getUpgradeLevel()); level < STEPS.size(); level++) {
            Named step = STEPS.get(level);
            if (step.step().apply(session, realm)) {
                changed.add(step.name());
            }
        }
        entry.setUpgradeLevel(CURRENT_LEVEL);
        return changed;
    }
}
