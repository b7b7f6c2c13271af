package dev.multimodal.usermanagement.audit;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

import java.util.List;

/**
 * The {@code audit} event listener: user and admin events of the realms that enable it, into UM_AUDIT. Also
 * schedules the retention purge ({@code --spi-events-listener--audit--purge-interval=<seconds>}, default hourly).
 */
public class AuditEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "audit";
    static final long DEFAULT_PURGE_INTERVAL_SECONDS = 3600;
    private static final Logger LOG = Logger.getLogger(AuditEventListenerProviderFactory.class);

    private long purgeIntervalSeconds;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AuditEventListenerProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
        purgeIntervalSeconds = config.getLong("purge-interval", DEFAULT_PURGE_INTERVAL_SECONDS);
        if (purgeIntervalSeconds < 1) {
            throw new IllegalArgumentException("--spi-events-listener--audit--purge-interval must be at least 1 (seconds)");
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        long intervalMillis = purgeIntervalSeconds * 1000;
        AuditPurgeTask task = new AuditPurgeTask();
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class)
                    .schedule(new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis), intervalMillis, task.getTaskName());
        }
        LOG.infof("Audit retention purge scheduled every %d s", purgeIntervalSeconds);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("purge-interval").type("long").defaultValue(DEFAULT_PURGE_INTERVAL_SECONDS)
                .helpText("Seconds between two runs of the audit retention purge (one node of a cluster runs each).")
                .add().build();
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
