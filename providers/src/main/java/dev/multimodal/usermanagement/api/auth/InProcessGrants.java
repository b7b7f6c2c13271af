package dev.multimodal.usermanagement.api.auth;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.OAuth2Constants;
import org.keycloak.events.EventBuilder;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.cors.Cors;

/**
 * Runs Keycloak's own {@code password} and {@code refresh_token} grants inside this request, for the tenant's API
 * client. In-process, not over HTTP: the realm's direct-grant flow (every authenticator in it), events, client
 * policies and sessions all apply, and the caller's real IP stays visible to them.
 */
final class InProcessGrants {

    /** The per-tenant public client of the template; never taken from the request. */
    static final String API_CLIENT = "user-management-api";

    /** What a grant gave: tokens, or Keycloak's own refusal (status, body, headers such as Retry-After). */
    record Outcome(AccessTokenResponse tokens, Response refusal) {
        boolean succeeded() {
            return tokens != null;
        }
    }

    private final KeycloakSession session;

    InProcessGrants(KeycloakSession session) {
        this.session = session;
    }

    Outcome run(
            RealmModel realm,
            ClientModel client,
            String grantType,
            Map<String, String> parameters,
            EventBuilder event) {
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle(OAuth2Constants.GRANT_TYPE, grantType);
        form.putSingle(OAuth2Constants.CLIENT_ID, client.getClientId());
        parameters.forEach(form::putSingle);

        KeycloakContext context = session.getContext();
        RealmModel previousRealm = context.getRealm();
        ClientModel previousClient = context.getClient();
        HttpRequest previousRequest = context.getHttpRequest();
        try {
            context.setRealm(realm);
            context.setClient(client);
            context.setHttpRequest(new FormRequest(previousRequest, form));
            OAuth2GrantType grant = session.getProvider(OAuth2GrantType.class, grantType);
            grant.preProcess(session, form);
            OAuth2GrantType.Context grantContext = new OAuth2GrantType.Context(
                    session,
                    OIDCAdvancedConfigWrapper.fromClientModel(client),
                    Map.of(),
                    form,
                    event,
                    Cors.builder().auth().allowedMethods("POST"),
                    new TokenManager());
            Response response = grant.process(grantContext);
            if (response.getStatus() == 200 && response.getEntity() instanceof AccessTokenResponse tokens) {
                return new Outcome(tokens, null);
            }
            return new Outcome(null, response);
        } catch (WebApplicationException refused) {
            return new Outcome(null, refused.getResponse());
        } catch (org.keycloak.services.clientpolicy.ClientPolicyException refused) {
            return new Outcome(null, Response.status(refused.getErrorStatus()).build());
        } finally {
            context.setHttpRequest(previousRequest);
            context.setClient(previousClient);
            context.setRealm(previousRealm);
        }
    }
}
