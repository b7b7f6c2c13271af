package dev.multimodal.usermanagement.tenant;

import org.keycloak.models.RealmModel;

/** A tenant: its realm and its registry row, read together. */
public record Tenant(RealmModel realm, TenantEntity entry) {

    public String id() {
        return realm.getName();
    }
}
