package dev.multimodal.usermanagement.api.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** A user as the API shows it, field names as the old service had them. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserView(
        String id,
        String email,
        String username,
        String firstName,
        String lastName,
        String tenantId,
        List<String> roles,
        boolean isActive,
        boolean emailVerified,
        String createdAt,
        JsonNode preferences) {

    /** User attribute holding the preferences object as JSON. */
    public static final String PREFERENCES_ATTRIBUTE = "preferences";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static UserView of(RealmModel realm, UserModel user) {
        Long created = user.getCreatedTimestamp();
        return new UserView(
                user.getId(),
                user.getEmail(),
                user.getUsername(),
                user.getFirstName(),
                user.getLastName(),
                realm.getName(),
                TenantRoles.rolesOf(realm, user),
                user.isEnabled(),
                user.isEmailVerified(),
                created == null ? null : Instant.ofEpochMilli(created).toString(),
                preferences(user));
    }

    private static JsonNode preferences(UserModel user) {
        String stored = user.getFirstAttribute(PREFERENCES_ATTRIBUTE);
        if (stored == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            return JSON.readTree(stored);
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }
}
