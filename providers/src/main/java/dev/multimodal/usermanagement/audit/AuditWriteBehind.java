package dev.multimodal.usermanagement.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.keycloak.events.EventType;

/**
 * Writes the rows of Keycloak's frequent reads behind the request, many per transaction.
 *
 * <p>Token refreshes, userinfo calls, token validations and introspections (the types Keycloak does not save by
 * default, {@link #writtenBehind}) change nothing that needs the row in the same commit, and they come by the thousand
 * per second: a transaction of their own per call would cost more than the call. They are queued when the request's
 * transaction commits (a rolled-back one queues nothing) and one thread writes them, up to {@value #BATCH} rows a
 * transaction, gathering for at most {@value #LINGER_MILLIS} ms after the first: a row is in the database within
 * about a tenth of a second, and a steady flow of reads costs about ten small transactions a second. A full
 * queue ({@value #CAPACITY} rows: the database is slow or away) refuses, and the caller writes the row itself, in
 * its own transaction, so nothing is dropped and memory stays bounded. A stopping server writes what is queued. What a
 * killed process (SIGKILL, power loss) had queued and not yet written is lost: at most the reads of its last
 * moments, never a login, a change or an admin action.
 */
final class AuditWriteBehind {

    static final int CAPACITY = 10_000;
    static final int BATCH = 500;
    static final long LINGER_MILLIS = 100;
    private static final long RETRY_MILLIS = 1000;
    private static final Logger LOG = Logger.getLogger(AuditWriteBehind.class);

    private final BlockingQueue<AuditRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<List<AuditRecord>> writer;
    private final Thread thread;
    private volatile boolean stopping;

    /** @param writer writes one batch in one transaction (throws when it was not written) */
    AuditWriteBehind(Consumer<List<AuditRecord>> writer) {
        this.writer = writer;
        this.thread = new Thread(this::run, "um-audit-write-behind");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether Keycloak's own event store would leave this type out by default (and our lockout does not send it). */
    static boolean writtenBehind(EventType type) {
        return !type.isSaveByDefault() && !AuditEventTypes.ALWAYS.contains(type);
    }

    /**
     * Queues the records, all or none (synchronized: between the room check and the last offer only the writer thread
     * touches the queue, and it only makes room); false when there is no room for all of them or the queue is stopping.
     */
    synchronized boolean offer(List<AuditRecord> records) {
        if (stopping || queue.remainingCapacity() < records.size()) {
            return false;
        }
        records.forEach(queue::add);
        return true;
    }

    int queued() {
        return queue.size();
    }

    private void run() {
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        while (!stopping || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty() && !collect(batch)) {
                    continue;
                }
                writer.accept(batch);
                AuditMetrics.written(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // the database is away: keep the batch and try again (the queue fills, then callers write themselves)
                LOG.warnf("Audit rows of %d reads not written yet, retrying in 1 s: %s", batch.size(), e.getMessage());
                if (stopping) {
                    break;
                }
                sleep();
            }
        }
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            AuditMetrics.failed(lost);
            LOG.errorf(
                    "Audit rows of %d reads not written: the database did not answer while the server stopped", lost);
        }
    }

    /**
     * Waits for a first row, then gathers more for up to {@value #LINGER_MILLIS} ms (none while stopping), so that a
     * steady trickle of reads still makes few transactions; false when nothing came.
     */
    private boolean collect(List<AuditRecord> batch) throws InterruptedException {
        AuditRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return false;
        }
        batch.add(first);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        while (batch.size() < BATCH && !stopping) {
            queue.drainTo(batch, BATCH - batch.size());
            long left = deadline - System.nanoTime();
            AuditRecord next = batch.size() < BATCH && left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return true;
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses new records, writes what is queued (waiting at most {@code timeoutMillis}) and ends the thread. */
    void close(long timeoutMillis) {
        stopping = true;
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
