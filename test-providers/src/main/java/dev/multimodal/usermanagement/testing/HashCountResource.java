package dev.multimodal.usermanagement.testing;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * {@code GET /realms/{realm}/hash-count}: the number of password hashes computed in the realm since the last GET,
 * which starts the count over. Test servers only: the jar is never shipped.
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
    @Path("/") // a @Path makes Quarkus index this jar's resources (without one: 405)
    @Produces(MediaType.APPLICATION_JSON)
    public String countAndReset() {
        return Long.toString(HashCounts.reset(session.getContext().getRealm().getName()));
    }

    @Override
    public void close() {}
}
