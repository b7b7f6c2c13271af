package dev.multimodal.usermanagement.tenant;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Tenant ids are realm names: lowercase letters, digits and hyphens, 3 to 63 characters, no hyphen at either end. */
public final class TenantSlugs {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$");
    private static final Set<String> RESERVED = Set.of(
            "master",
            "admin",
            "api",
            "realms",
            "resources",
            "account",
            "health",
            "metrics",
            "platform",
            "system",
            "root",
            "keycloak",
            "default",
            "tenants",
            "auth",
            "js");

    private TenantSlugs() {}

    /** "Acme Corp. (EU)" becomes "acme-corp-eu"; may still be invalid (too short, reserved), so validate it. */
    public static String fromName(String name) {
        String ascii = Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "");
        String slug =
                ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_LENGTH) {
            slug = slug.substring(0, MAX_LENGTH).replaceAll("-+$", "");
        }
        return slug;
    }

    /** Why the id is refused, or empty when it is fine. */
    public static Optional<String> problem(String id, String platformRealm) {
        if (id == null || id.length() < MIN_LENGTH || id.length() > MAX_LENGTH) {
            return Optional.of("must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(id).matches()) {
            return Optional.of(
                    "may hold only lowercase letters, digits and hyphens, and must start and end with a letter or digit");
        }
        if (RESERVED.contains(id) || id.equals(platformRealm)) {
            return Optional.of("is reserved");
        }
        return Optional.empty();
    }
}
