package dev.multimodal.usermanagement.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.keycloak.models.RealmModel;

class ThemeSettingsTest {

    @Test
    void turnsLanguagesOnOnceAndKeepsWhatTheTenantChose() {
        Map<String, Object> state =
                new HashMap<>(Map.of("InternationalizationEnabled", false, "SupportedLocales", Set.of("fr")));
        RealmModel realm = realm(state);

        assertTrue(ThemeSettings.apply(null, realm));
        assertEquals(true, state.get("InternationalizationEnabled"));
        assertEquals(List.of("fr", "en", "de"), List.copyOf((Set<?>) state.get("SupportedLocales")));
        assertEquals("en", state.get("DefaultLocale"));
        assertEquals("user-management", state.get("AccountTheme"));

        assertFalse(ThemeSettings.apply(null, realm), "a second run changes nothing");
    }

    @Test
    void leavesATenantsOwnDefaultAndAccountTheme() {
        Map<String, Object> state = new HashMap<>(Map.of(
                "InternationalizationEnabled",
                true,
                "SupportedLocales",
                Set.of("de", "en"),
                "DefaultLocale",
                "de",
                "AccountTheme",
                "keycloak.v3"));
        assertFalse(ThemeSettings.apply(null, realm(state)));
        assertEquals("de", state.get("DefaultLocale"));
        assertEquals("keycloak.v3", state.get("AccountTheme"));
    }

    /** A realm of getters and setters over {@code state} (property name without get/set/is), nothing else. */
    private static RealmModel realm(Map<String, Object> state) {
        return (RealmModel) Proxy.newProxyInstance(
                RealmModel.class.getClassLoader(), new Class<?>[] {RealmModel.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("getSupportedLocalesStream")) {
                        return ((Set<?>) state.getOrDefault("SupportedLocales", Set.of()))
                                .stream().sorted();
                    }
                    if (name.startsWith("set")) {
                        state.put(name.substring(3), args[0]);
                        return null;
                    }
                    String property = name.startsWith("is") ? name.substring(2) : name.substring(3);
                    return state.getOrDefault(property, name.equals("getName") ? "tenant" : null);
                });
    }
}
