package dev.multimodal.usermanagement.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

class PasswordResetUnlocksTest {

    @Test
    void passwordUpdatesNameTheirUser() {
        assertEquals("u1", PasswordResetUnlocks.userOf(event(EventType.UPDATE_PASSWORD, "u1", Map.of())));
        assertEquals(
                "u1",
                PasswordResetUnlocks.userOf(
                        event(EventType.UPDATE_CREDENTIAL, "u1", Map.of("credential_type", "password"))));
    }

    @Test
    void otherUserEventsUnlockNobody() {
        assertNull(PasswordResetUnlocks.userOf(
                event(EventType.UPDATE_CREDENTIAL, "u1", Map.of("credential_type", "otp"))));
        assertNull(PasswordResetUnlocks.userOf(event(EventType.UPDATE_PASSWORD_ERROR, "u1", Map.of())));
        assertNull(PasswordResetUnlocks.userOf(event(EventType.LOGIN, "u1", Map.of())));
        assertNull(
                PasswordResetUnlocks.userOf(event(EventType.UPDATE_PASSWORD, null, Map.of())),
                "no user, nothing to unlock");
    }

    @Test
    void adminPasswordResetNamesTheUserOfItsPath() {
        assertEquals(
                "abc-123",
                PasswordResetUnlocks.userOf(
                        admin(OperationType.ACTION, ResourceType.USER, "users/abc-123/reset-password")));
    }

    @Test
    void otherAdminEventsUnlockNobody() {
        assertNull(PasswordResetUnlocks.userOf(admin(OperationType.UPDATE, ResourceType.USER, "users/abc-123")));
        assertNull(PasswordResetUnlocks.userOf(
                admin(OperationType.ACTION, ResourceType.USER, "users/abc-123/execute-actions-email")));
        assertNull(PasswordResetUnlocks.userOf(
                admin(OperationType.ACTION, ResourceType.USER, "users/abc-123/reset-password-email")));
        assertNull(PasswordResetUnlocks.userOf(
                admin(OperationType.ACTION, ResourceType.CLIENT, "clients/x/reset-password")));
        assertNull(PasswordResetUnlocks.userOf(admin(OperationType.ACTION, ResourceType.USER, null)));
    }

    private static Event event(EventType type, String userId, Map<String, String> details) {
        Event event = new Event();
        event.setType(type);
        event.setUserId(userId);
        event.setDetails(details);
        return event;
    }

    private static AdminEvent admin(OperationType operation, ResourceType resource, String path) {
        AdminEvent event = new AdminEvent();
        event.setOperationType(operation);
        event.setResourceType(resource);
        event.setResourcePath(path);
        return event;
    }
}
