package dev.multimodal.usermanagement.lockout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.models.AuthenticatorConfigModel;

/**
 * Parsed settings per authenticator config, re-parsed only when the config changes: parsing is cheap, but a bad
 * value would otherwise log its warning on every login.
 */
final class SettingsCache {

    /** Far more than the configs of any real deployment; a safety net against growth, not an LRU. */
    private static final int MAX_CONFIGS = 10_000;

    private record Entry(Map<String, String> config, LockoutSettings settings) {}

    private final ConcurrentHashMap<String, Entry> byConfigId = new ConcurrentHashMap<>();

    LockoutSettings settings(AuthenticatorConfigModel model) {
        if (model == null || model.getConfig() == null) {
            return LockoutSettings.DEFAULTS;
        }
        Map<String, String> config = model.getConfig();
        String id = model.getId() != null ? model.getId() : model.getAlias();
        if (id == null) {
            return LockoutSettings.from(config);
        }
        Entry cached = byConfigId.get(id);
        if (cached != null && cached.config().equals(config)) {
            return cached.settings();
        }
        if (byConfigId.size() >= MAX_CONFIGS) {
            byConfigId.clear();
        }
        LockoutSettings settings = LockoutSettings.from(config);
        byConfigId.put(id, new Entry(Map.copyOf(config), settings));
        return settings;
    }
}
