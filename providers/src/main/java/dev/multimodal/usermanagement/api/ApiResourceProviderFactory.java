package dev.multimodal.usermanagement.api;

import dev.multimodal.usermanagement.health.DatabaseProbe;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Serves {@code /realms/{realm}/api/v1/...}. */
public class ApiResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "api";

    private String version;
    private DatabaseProbe databaseProbe;

    @Override
    public void init(Config.Scope config) {
        version = readVersion();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        databaseProbe = new DatabaseProbe(factory);
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        ApiResource resource = new ApiResource(session, version, databaseProbe);
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return resource;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        if (databaseProbe != null) {
            databaseProbe.close();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    private static String readVersion() {
        try (InputStream in = ApiResourceProviderFactory.class.getResourceAsStream("/user-management-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
