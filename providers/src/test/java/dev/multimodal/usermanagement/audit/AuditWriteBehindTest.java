package dev.multimodal.usermanagement.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.keycloak.events.EventType;

class AuditWriteBehindTest {

    private static AuditRecord read(int i) {
        return new AuditRecord(
                "id-" + i, "realm", 0, i, "USER_INFO_REQUEST", "user", "app", "ip", null, null, "success", null, "{}");
    }

    private static List<AuditRecord> reads(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(AuditWriteBehindTest::read)
                .toList();
    }

    @Test
    void onlyTheReadsKeycloakLeavesOutByDefaultAreWrittenBehind() {
        assertTrue(AuditWriteBehind.writtenBehind(EventType.USER_INFO_REQUEST));
        assertTrue(AuditWriteBehind.writtenBehind(EventType.REFRESH_TOKEN));
        assertTrue(AuditWriteBehind.writtenBehind(EventType.INTROSPECT_TOKEN));
        assertFalse(AuditWriteBehind.writtenBehind(EventType.LOGIN));
        assertFalse(AuditWriteBehind.writtenBehind(EventType.LOGIN_ERROR));
        assertFalse(AuditWriteBehind.writtenBehind(EventType.UPDATE_PASSWORD));
        assertFalse(AuditWriteBehind.writtenBehind(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT));
    }

    @Test
    void everyQueuedRowIsWrittenOnceInOrderInBoundedBatches() {
        List<AuditRecord> written = Collections.synchronizedList(new ArrayList<>());
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        AuditWriteBehind behind = new AuditWriteBehind(batch -> {
            sizes.add(batch.size());
            written.addAll(batch);
        });
        for (int i = 0; i < 3000; i += 3) {
            assertTrue(behind.offer(reads(i, 3)));
        }
        behind.close(10_000);
        assertEquals(reads(0, 3000), written);
        assertTrue(sizes.stream().allMatch(size -> size <= AuditWriteBehind.BATCH), sizes.toString());
        assertFalse(behind.offer(reads(0, 1)), "a stopped queue refuses: the caller writes");
    }

    @Test
    void aFullQueueRefusesSoTheCallerWritesAndMemoryStaysBounded() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        AuditWriteBehind behind = new AuditWriteBehind(batch -> {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.addAndGet(batch.size());
        });
        assertTrue(behind.offer(reads(0, 1)));
        assertTrue(writing.await(5, TimeUnit.SECONDS), "the writer took the first row");
        assertTrue(behind.offer(reads(1, AuditWriteBehind.CAPACITY)), "room for exactly the capacity");
        assertFalse(behind.offer(reads(0, 1)), "full");
        assertEquals(AuditWriteBehind.CAPACITY, behind.queued());
        release.countDown();
        behind.close(10_000);
        assertEquals(AuditWriteBehind.CAPACITY + 1, written.get());
    }

    @Test
    void aFailedBatchIsWrittenAgainNotLost() {
        AtomicInteger calls = new AtomicInteger();
        List<AuditRecord> written = Collections.synchronizedList(new ArrayList<>());
        AuditWriteBehind behind = new AuditWriteBehind(batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
            }
            written.addAll(batch);
        });
        assertTrue(behind.offer(reads(0, 5)));
        long deadline = System.currentTimeMillis() + 10_000;
        while (written.size() < 5 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        behind.close(10_000);
        assertEquals(reads(0, 5), written);
        assertTrue(calls.get() >= 2);
    }
}
