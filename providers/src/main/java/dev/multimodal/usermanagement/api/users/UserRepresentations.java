package dev.multimodal.usermanagement.api.users;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.multimodal.usermanagement.lockout.LockState;
import java.time.Instant;
import java.util.List;
import org.keycloak.models.UserSessionModel;

/** Request and response bodies of /users, snake_case on the wire. */
public final class UserRepresentations {

    private UserRepresentations() {}

    /** PUT /users/me. The last four are here only to be refused by name: they are not the user's to change. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateMe(
            String firstName,
            String lastName,
            JsonNode preferences,
            JsonNode roles,
            JsonNode tenantId,
            JsonNode isActive,
            JsonNode emailVerified) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChangePassword(String currentPassword, String newPassword) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateUser(
            String email, String username, String password, String firstName, String lastName, String role) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateUser(
            String email, String firstName, String lastName, Boolean isActive, Boolean emailVerified) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetRoles(List<String> roles) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ResetPassword(String temporaryPassword) {}

    /** What admins see of a user: the profile and the lockout state. */
    public record AdminUserView(@JsonUnwrapped UserView user, Lock lock) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lock(boolean locked, long remainingSeconds, int recentFailures, boolean known) {

        static Lock of(LockState state) {
            return new Lock(state.locked(), state.remaining().toSeconds(), state.recentFailures(), state.known());
        }
    }

    /** POST /users/import: users of the old service with their bcrypt hashes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ImportUsers(List<ImportedUser> users) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ImportedUser(
            String email,
            String username,
            String firstName,
            String lastName,
            String role,
            String passwordHash,
            Boolean isActive) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ImportResult(int imported, List<RowError> errors) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RowError(int row, String field, String message) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserPage(List<UserView> items, long total, int page, int pageSize) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SessionView(
            String id,
            String ipAddress,
            String startedAt,
            String lastAccess,
            List<String> clients,
            boolean current,
            boolean offline) {

        /** {@code offline}: the session of offline tokens (it keeps the id of the login that made it, never current). */
        static SessionView of(UserSessionModel session, String currentId) {
            return new SessionView(
                    session.getId(),
                    session.getIpAddress(),
                    Instant.ofEpochSecond(session.getStarted()).toString(),
                    Instant.ofEpochSecond(session.getLastSessionRefresh()).toString(),
                    session.getAuthenticatedClientSessions().values().stream()
                            .map(c -> c.getClient().getClientId())
                            .sorted()
                            .toList(),
                    !session.isOffline() && session.getId().equals(currentId),
                    session.isOffline());
        }
    }
}
