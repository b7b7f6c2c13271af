package dev.multimodal.usermanagement.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.keycloak.events.Event;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;

/** Keycloak's user and admin events as audit records (no sequence yet), secrets removed. */
public final class AuditEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditEvents() {}

    public static AuditRecord of(Event event) {
        ObjectNode details = SecretScrubber.details(event.getDetails());
        return new AuditRecord(
                id(event.getId()),
                event.getRealmId(),
                0,
                event.getTime(),
                cut(event.getType().name(), 255),
                cut(event.getUserId(), 255),
                cut(event.getClientId(), 255),
                cut(event.getIpAddress(), 255),
                cut(event.getUserId(), 1024),
                cut(event.getSessionId(), 255),
                event.getError() == null ? AuditRecord.SUCCESS : AuditRecord.ERROR,
                cut(event.getError(), 255),
                details.toString());
    }

    /** @param clientIdOf the acting client's clientId for AuthDetails' client (an internal id), or null to keep the id */
    public static AuditRecord of(
            AdminEvent event,
            boolean includeRepresentation,
            java.util.function.Function<AuthDetails, String> clientIdOf) {
        AuthDetails auth = event.getAuthDetails();
        ObjectNode details = JSON.createObjectNode();
        details.put(
                "operation",
                event.getOperationType() == null
                        ? null
                        : event.getOperationType().name());
        details.put("resource_type", event.getResourceTypeAsString());
        if (auth != null) {
            details.put("actor_realm_id", auth.getRealmId());
        }
        if (event.getDetails() != null && !event.getDetails().isEmpty()) {
            details.set("details", SecretScrubber.details(event.getDetails()));
        }
        if (includeRepresentation) {
            JsonNode representation = SecretScrubber.representation(event.getRepresentation());
            if (representation != null) {
                details.set("representation", representation);
            }
        }
        String type =
                "ADMIN_" + (event.getResourceTypeAsString() == null ? "UNKNOWN" : event.getResourceTypeAsString()) + "_"
                        + (event.getOperationType() == null
                                ? "UNKNOWN"
                                : event.getOperationType().name());
        return new AuditRecord(
                id(event.getId()),
                event.getRealmId(),
                0,
                event.getTime(),
                cut(type, 255),
                auth == null ? null : cut(auth.getUserId(), 255),
                auth == null ? null : cut(clientIdOf == null ? auth.getClientId() : clientIdOf.apply(auth), 255),
                auth == null ? null : cut(auth.getIpAddress(), 255),
                cut(event.getResourcePath(), 1024),
                null,
                event.getError() == null ? AuditRecord.SUCCESS : AuditRecord.ERROR,
                cut(event.getError(), 255),
                details.toString());
    }

    private static String id(String id) {
        return id == null || id.length() > 36 ? UUID.randomUUID().toString() : id;
    }

    static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
