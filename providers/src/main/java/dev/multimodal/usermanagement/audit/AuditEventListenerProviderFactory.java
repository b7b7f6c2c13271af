package dev.multimodal.usermanagement.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/**
 * The {@code audit} event listener: the recorded user and admin events (see {@link AuditEventTypes}) of the realms
 * that enable it, into UM_AUDIT. Also schedules the sealer (which chains the rows and signs checkpoints) and the
 * retention purge, and holds the checkpoint key. Options ({@code --spi-events-listener--audit--<name>}):
 * {@code purge-interval}, {@code seal-interval}, {@code checkpoint-interval} (seconds), {@code checkpoint-key} (a
 * PEM or PKCS#12 file, generated as PEM when missing; default: in the data folder) and {@code checkpoint-key-password}.
 */
public class AuditEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "audit";
    static final long DEFAULT_PURGE_INTERVAL_SECONDS = 3600;
    static final long DEFAULT_SEAL_INTERVAL_SECONDS = 1;
    static final long DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 60;
    static final String GENERATED_KEY = "audit-checkpoint-key.pem";
    private static final Logger LOG = Logger.getLogger(AuditEventListenerProviderFactory.class);

    private long purgeIntervalSeconds;
    private long sealIntervalSeconds;
    private long checkpointIntervalSeconds;
    private String keyFile;
    private String keyPassword;
    private boolean writeBehindEnabled;
    private AuditCheckpoints checkpoints;
    private AuditSealer sealer;
    private AuditWriteBehind writeBehind;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AuditEventListenerProvider(session, writeBehind);
    }

    /** The running factory, for the API's reads and the purge. */
    public static AuditEventListenerProviderFactory of(KeycloakSession session) {
        return of(session.getKeycloakSessionFactory());
    }

    public static AuditEventListenerProviderFactory of(KeycloakSessionFactory factory) {
        return (AuditEventListenerProviderFactory) factory.getProviderFactory(EventListenerProvider.class, PROVIDER_ID);
    }

    @Override
    public void init(Config.Scope config) {
        purgeIntervalSeconds = seconds(config, "purge-interval", DEFAULT_PURGE_INTERVAL_SECONDS);
        sealIntervalSeconds = seconds(config, "seal-interval", DEFAULT_SEAL_INTERVAL_SECONDS);
        checkpointIntervalSeconds = seconds(config, "checkpoint-interval", DEFAULT_CHECKPOINT_INTERVAL_SECONDS);
        keyFile = config.get("checkpoint-key");
        keyPassword = config.get("checkpoint-key-password");
        writeBehindEnabled = config.getBoolean("write-behind", true);
    }

    private static long seconds(Config.Scope config, String name, long fallback) {
        long value = config.getLong(name, fallback);
        if (value < 1) {
            throw new IllegalArgumentException(
                    "--spi-events-listener--audit--" + name + " must be at least 1 (seconds)");
        }
        return value;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (writeBehindEnabled) {
            writeBehind = new AuditWriteBehind(records -> KeycloakModelUtils.runJobInTransaction(
                    factory, session -> new AuditWriter(session).write(records)));
        }
        checkpoints = new AuditCheckpoints(loadKey());
        sealer = new AuditSealer(factory, checkpoints, checkpointIntervalSeconds * 1000);
        schedule(factory, new AuditSealTask(sealer), sealIntervalSeconds);
        schedule(factory, new AuditPurgeTask(), purgeIntervalSeconds);
        LOG.infof(
                "Audit sealer every %d s, checkpoints every %d s (key %s), retention purge every %d s",
                sealIntervalSeconds,
                checkpointIntervalSeconds,
                checkpoints.key().verifierKey(),
                purgeIntervalSeconds);
    }

    private static void schedule(KeycloakSessionFactory factory, ScheduledTask task, long intervalSeconds) {
        long intervalMillis = intervalSeconds * 1000;
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class)
                    .schedule(
                            new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis),
                            intervalMillis,
                            task.getTaskName());
        }
    }

    /**
     * The configured key file, or without one the data folder's; a missing file is generated (Ed25519, PEM), with a
     * warning: the checkpoints stay verifiable only as long as the key stays the same.
     */
    private AuditCheckpointKey loadKey() {
        boolean configured = keyFile != null && !keyFile.isBlank();
        Path file =
                configured ? Path.of(keyFile) : Path.of(System.getProperty("kc.home.dir", "."), "data", GENERATED_KEY);
        try {
            if (Files.exists(file)) {
                if (!configured) {
                    LOG.warnf(
                            "Audit checkpoints are signed with %s, a key in Keycloak's data folder: set"
                                    + " --spi-events-listener--audit--checkpoint-key to a key kept apart from the database",
                            file);
                }
                return AuditCheckpointKey.load(file, keyPassword);
            }
            LOG.warnf(
                    "Audit checkpoint key %s generated: keep it, and a copy, apart from the database; checkpoints signed"
                            + " with it verify only as long as it stays%s",
                    file, configured ? "" : " (set --spi-events-listener--audit--checkpoint-key)");
            return AuditCheckpointKey.generate(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Audit checkpoint key " + file + " not usable: " + e.getMessage(), e);
        }
    }

    public AuditSealer sealer() {
        return sealer;
    }

    public AuditCheckpoints checkpoints() {
        return checkpoints;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name("purge-interval")
                .type("long")
                .defaultValue(DEFAULT_PURGE_INTERVAL_SECONDS)
                .helpText("Seconds between two runs of the audit retention purge (one node of a cluster runs each).")
                .add()
                .property()
                .name("seal-interval")
                .type("long")
                .defaultValue(DEFAULT_SEAL_INTERVAL_SECONDS)
                .helpText("Seconds between two runs of the sealer, which chains committed audit rows.")
                .add()
                .property()
                .name("checkpoint-interval")
                .type("long")
                .defaultValue(DEFAULT_CHECKPOINT_INTERVAL_SECONDS)
                .helpText("Seconds after which a realm's moved chain head is signed again (a purge signs at once).")
                .add()
                .property()
                .name("checkpoint-key")
                .type("string")
                .helpText(
                        "Ed25519 key that signs checkpoints: a PEM file (PRIVATE KEY and PUBLIC KEY) or a PKCS#12 keystore"
                                + " (.p12/.pfx); a missing file is generated (PEM). Default: data/" + GENERATED_KEY
                                + ".")
                .add()
                .property()
                .name("write-behind")
                .type("boolean")
                .defaultValue(true)
                .helpText("Write the frequent reads a realm records (refresh, userinfo, validation, introspection)"
                        + " behind their request, in batches; false: each in its request's own transaction.")
                .add()
                .property()
                .name("checkpoint-key-password")
                .type("password")
                .helpText("Password of the PKCS#12 keystore named by checkpoint-key.")
                .add()
                .build();
    }

    /** Closed before the database (see {@link #dependsOn}), so the queued reads are written as the server stops. */
    @Override
    public void close() {
        if (writeBehind != null) {
            writeBehind.close(10_000);
        }
    }

    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
