package dev.multimodal.usermanagement.testing;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * {@code /realms/{realm}/hash-count}: GET the number of password hashes computed in the realm since the last
 * DELETE, which answers that number and starts over. Test servers only: the jar is never shipped.
 */
public class HashCountResource implements RealmResourceProvider {

    private final KeycloakSession session;

    HashCountResource(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String count() {
        return Long.toString(HashCounts.get(session.getContext().getRealm().getName()));
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public String reset() {
        return Long.toString(HashCounts.reset(session.getContext().getRealm().getName()));
    }

    @Override
    public void close() {
    }
}
