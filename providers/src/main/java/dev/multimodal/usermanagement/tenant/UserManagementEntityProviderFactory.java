package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.audit.AuditCheckpointEntity;
import dev.multimodal.usermanagement.audit.AuditEntity;
import dev.multimodal.usermanagement.audit.AuditHeadEntity;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Our tables in Keycloak's database, created by one Liquibase changelog
 * (its history table is DATABASECHANGELOG_USERMANAGE).
 */
public class UserManagementEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "usermanagement";

    private static final JpaEntityProvider PROVIDER = new JpaEntityProvider() {
        @Override
        public List<Class<?>> getEntities() {
            return List.of(TenantEntity.class, AuditEntity.class, AuditHeadEntity.class, AuditCheckpointEntity.class);
        }

        @Override
        public String getChangelogLocation() {
            return "META-INF/user-management-changelog.xml";
        }

        @Override
        public String getFactoryId() {
            return PROVIDER_ID;
        }

        @Override
        public void close() {}
    };

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
