package dev.multimodal.usermanagement.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multimodal.usermanagement.api.limits.HeavyCalls;
import dev.multimodal.usermanagement.api.openapi.OpenApiDocument;
import dev.multimodal.usermanagement.health.DatabaseProbe;
import dev.multimodal.usermanagement.tenant.PlatformRealm;
import dev.multimodal.usermanagement.tenant.TenantRegistry;
import dev.multimodal.usermanagement.tenant.TenantTemplate;
import dev.multimodal.usermanagement.tenant.TenantUpgrades;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Serves {@code /realms/{realm}/api/v1/...}. Option: {@code --spi-realm-restapi-extension--api--platform-realm}
 * (default: Keycloak's admin realm, {@code master}), the realm of platform admins, which is never a tenant;
 * {@code --spi-realm-restapi-extension--api--heavy-calls-per-tenant} (default 2), see {@link HeavyCalls}.
 */
public class ApiResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "api";

    private String version;
    private String platformRealm;
    private TenantTemplate template;
    private DatabaseProbe databaseProbe;
    private volatile ObjectNode openApi;

    @Override
    public void init(Config.Scope config) {
        version = readVersion();
        platformRealm = config.get("platform-realm", Config.getAdminRealm());
        HeavyCalls.configure(config.getInt("heavy-calls-per-tenant", HeavyCalls.DEFAULT_LIMIT));
        template = TenantTemplate.load();
    }

    /** Built on the first request for it, not at start: walking the resources by reflection costs start-up time. */
    private ObjectNode openApi() {
        ObjectNode document = openApi;
        if (document == null) {
            synchronized (this) {
                if (openApi == null) {
                    openApi = OpenApiDocument.build(ApiResource.class, version);
                }
                document = openApi;
            }
        }
        return document;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        databaseProbe = new DatabaseProbe(factory);
        TenantRegistry.listenToRealmChanges(factory);
        PlatformRealm.setUpAtStart(factory, platformRealm);
        TenantUpgrades.runAtStart(factory);
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        ApiResource resource = new ApiResource(session, version, databaseProbe, template, platformRealm, this::openApi);
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return resource;
            }

            @Override
            public void close() {}
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
        try (InputStream in =
                ApiResourceProviderFactory.class.getResourceAsStream("/user-management-version.properties")) {
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
