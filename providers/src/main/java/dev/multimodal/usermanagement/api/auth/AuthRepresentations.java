package dev.multimodal.usermanagement.api.auth;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.keycloak.representations.AccessTokenResponse;

/** Bodies of /auth, snake_case as the old service had them. */
public final class AuthRepresentations {

    private AuthRepresentations() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Login(String email, String username, String password, String tenantId, Boolean rememberMe) {}

    /** For users whose expired or temporary password keeps them from logging in. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChangeExpiredPassword(
            String email, String username, String tenantId, String currentPassword, String newPassword) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Refresh(String refreshToken) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Register(
            String email, String username, String password, String firstName, String lastName, String tenantId) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Tokens(
            String accessToken, String refreshToken, String tokenType, long expiresIn, long refreshExpiresIn) {

        static Tokens of(AccessTokenResponse response) {
            return new Tokens(
                    response.getToken(),
                    response.getRefreshToken(),
                    "Bearer",
                    response.getExpiresIn(),
                    response.getRefreshExpiresIn());
        }
    }
}
