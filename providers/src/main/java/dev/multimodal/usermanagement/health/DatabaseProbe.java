package dev.multimodal.usermanagement.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Runs {@code SELECT 1} through Keycloak's JPA connection on one background thread, so a hanging database
 * cannot hold the caller longer than its timeout. Concurrent callers share the probe in flight: a hung
 * database costs one thread, not one per request.
 */
public final class DatabaseProbe implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DatabaseProbe.class);

    private final KeycloakSessionFactory sessionFactory;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "user-management-db-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean lastUp = new AtomicBoolean(true);
    private CompletableFuture<Boolean> inFlight;

    public DatabaseProbe(KeycloakSessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /** Starts a probe, or joins the one running. */
    public synchronized CompletableFuture<Boolean> start() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(this::query, executor);
        }
        return inFlight;
    }

    public boolean await(CompletableFuture<Boolean> probe, Duration timeout) {
        boolean up;
        try {
            up = probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            up = false;
            noteChange(false, "no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        } catch (ExecutionException e) {
            up = false;
        }
        return up;
    }

    private boolean query() {
        try {
            KeycloakModelUtils.runJobInTransaction(
                    sessionFactory,
                    session -> session.getProvider(JpaConnectionProvider.class)
                            .getEntityManager()
                            .createNativeQuery("SELECT 1")
                            .getSingleResult());
            noteChange(true, null);
            return true;
        } catch (RuntimeException e) {
            noteChange(false, e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }

    private void noteChange(boolean up, String reason) {
        if (lastUp.compareAndSet(!up, up)) {
            if (up) {
                LOG.info("Database answers health checks again");
            } else {
                LOG.errorf("Database health check failed (%s)", reason);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
