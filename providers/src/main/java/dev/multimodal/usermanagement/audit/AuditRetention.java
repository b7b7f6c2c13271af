package dev.multimodal.usermanagement.audit;

import java.time.Duration;
import org.keycloak.models.RealmModel;

/**
 * A tenant's audit retention in days, kept as the realm attribute {@value #ATTRIBUTE}: part of the realm's
 * representation, so realm admins see and change it through Keycloak's admin REST API and realm exports, and the
 * tenant settings API ({@code audit_retention_days}) edits the same value. No attribute: rows are kept forever.
 */
public final class AuditRetention {

    public static final String ATTRIBUTE = "um.audit.retentionDays";
    public static final int MAX_DAYS = 3650;

    private AuditRetention() {}

    /** The realm's retention in days, or null for "keep forever" (also for a value someone broke by hand). */
    public static Integer of(RealmModel realm) {
        return parse(realm.getAttribute(ATTRIBUTE));
    }

    /** The attribute's stored value in days, or null as {@link #of}. */
    static Integer parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            int days = Integer.parseInt(raw.trim());
            return days >= 1 && days <= MAX_DAYS ? days : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @param days 1 to {@link #MAX_DAYS}, or null to keep rows forever */
    public static void set(RealmModel realm, Integer days) {
        if (days == null) {
            realm.removeAttribute(ATTRIBUTE);
        } else {
            realm.setAttribute(ATTRIBUTE, days);
        }
    }

    /** The cut-off in epoch milliseconds: rows older than this go. */
    public static long cutoff(int days, long nowMillis) {
        return nowMillis - Duration.ofDays(days).toMillis();
    }
}
