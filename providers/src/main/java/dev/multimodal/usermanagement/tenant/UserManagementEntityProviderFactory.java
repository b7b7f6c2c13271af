package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.audit.AuditCheckpointEntity;
import dev.multimodal.usermanagement.audit.AuditEntity;
import dev.multimodal.usermanagement.audit.AuditHeadEntity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.JpaConnectionProviderFactory;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.connections.jpa.util.JpaUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Our tables in Keycloak's database, created by one Liquibase changelog (its history table is
 * DATABASECHANGELOG_USERMANAGE).
 *
 * <p>Keycloak hands every extension's changelog to Liquibase at each start, which costs about half a second here
 * (Liquibase starts, parses the file, reads the history), while it skips its own changelog once the database records
 * its version. We do the same: when the history table already holds every change set, the changelog is not handed
 * over. As with Keycloak's own skip, the checksums of applied change sets are then not compared again.
 */
public class UserManagementEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "usermanagement";
    static final String CHANGELOG = "META-INF/user-management-changelog.xml";
    /** The ids of the changelog's change sets; {@code UserManagementEntityProviderFactoryTest} keeps them in step. */
    static final List<String> CHANGE_SETS = List.of(
            "2026-11-25-tenant-registry",
            "2026-11-25-audit",
            "2026-11-25-audit-checkpoint",
            "2026-11-25-audit-time-seq",
            "2026-11-30-audit-verified",
            "2026-11-30-audit-sealer",
            "2026-11-30-tenant-upgrade-level");

    private static final Logger LOG = Logger.getLogger(UserManagementEntityProviderFactory.class);

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new JpaEntityProvider() {
            @Override
            public List<Class<?>> getEntities() {
                return List.of(
                        TenantEntity.class, AuditEntity.class, AuditHeadEntity.class, AuditCheckpointEntity.class);
            }

            @Override
            public String getChangelogLocation() {
                return allApplied(session) ? null : CHANGELOG;
            }

            @Override
            public String getFactoryId() {
                return PROVIDER_ID;
            }

            @Override
            public void close() {}
        };
    }

    /** True when the history table records every change set; false when one is missing or there is no table yet. */
    static boolean allApplied(KeycloakSession session) {
        JpaConnectionProviderFactory jpa = (JpaConnectionProviderFactory)
                session.getKeycloakSessionFactory().getProviderFactory(JpaConnectionProvider.class);
        String table = JpaUtils.getCustomChangelogTableName(PROVIDER_ID);
        if (jpa.getSchema() != null) {
            table = jpa.getSchema() + "." + table;
        }
        Set<String> applied = new HashSet<>();
        try (Connection connection = jpa.getConnection()) {
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT ID FROM " + table)) {
                while (rows.next()) {
                    applied.add(rows.getString(1));
                }
            } catch (SQLException noTableYet) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
                return false;
            }
        } catch (SQLException e) {
            LOG.debugf(e, "Could not read %s; Liquibase checks the changelog", table);
            return false;
        }
        return applied.containsAll(CHANGE_SETS);
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
