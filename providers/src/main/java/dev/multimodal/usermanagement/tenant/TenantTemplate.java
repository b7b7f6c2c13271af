package dev.multimodal.usermanagement.tenant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.util.JsonSerialization;

/** realm-config/tenant-template.json, packaged in the jar: roles, policies, flows, clients of every new tenant. */
public final class TenantTemplate {

    static final String RESOURCE = "/user-management/tenant-template.json";

    private final byte[] json;

    private TenantTemplate(byte[] json) {
        this.json = json;
    }

    public static TenantTemplate load() {
        try (InputStream in = TenantTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The tenant template " + RESOURCE + " is missing from the providers jar");
            }
            // parsed per tenant, not here: Jackson's deserializer for a realm costs about 0.2 s at start
            // (TenantTemplateTest checks the packaged template)
            return new TenantTemplate(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh representation per tenant: import mutates what it is given. */
    public RealmRepresentation forTenant(String id, String displayName) {
        try {
            RealmRepresentation realm = JsonSerialization.readValue(json, RealmRepresentation.class);
            realm.setRealm(id);
            realm.setDisplayName(displayName);
            realm.setEnabled(true);
            return realm;
        } catch (IOException e) {
            throw new UncheckedIOException("The tenant template is not a valid realm representation", e);
        }
    }
}
