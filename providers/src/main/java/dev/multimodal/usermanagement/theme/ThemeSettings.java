package dev.multimodal.usermanagement.theme;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * What every tenant has of our themes: the account theme, and English and German (the template and the demo tenant say so;
 * this upgrade brings tenants made before that along). With internationalization off, Keycloak ignores
 * {@code ui_locales} and the browser's language and shows the default language only.
 */
public final class ThemeSettings {

    /** The languages our themes translate; the first is the default. */
    static final List<String> LOCALES = List.of("en", "de");

    static final String THEME = "user-management";
    private static final Logger LOG = Logger.getLogger(ThemeSettings.class);

    private ThemeSettings() {}

    /**
     * Turns internationalization on with our languages (keeping any the tenant added), English as the default if it
     * has none, and our account theme if it has none. Idempotent.
     *
     * @return true when it changed the realm
     */
    public static boolean apply(KeycloakSession session, RealmModel realm) {
        boolean changed = false;
        if (!realm.isInternationalizationEnabled()) {
            realm.setInternationalizationEnabled(true);
            changed = true;
        }
        Set<String> locales =
                new LinkedHashSet<>(realm.getSupportedLocalesStream().toList());
        if (locales.addAll(LOCALES)) {
            realm.setSupportedLocales(locales);
            changed = true;
        }
        if (realm.getDefaultLocale() == null || realm.getDefaultLocale().isBlank()) {
            realm.setDefaultLocale(LOCALES.get(0));
            changed = true;
        }
        if (realm.getAccountTheme() == null || realm.getAccountTheme().isBlank()) {
            realm.setAccountTheme(THEME);
            changed = true;
        }
        if (changed) {
            LOG.infof("Realm %s: languages %s, default %s", realm.getName(), locales, realm.getDefaultLocale());
        }
        return changed;
    }
}
