package dev.multimodal.usermanagement.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Password hashes computed per realm (the context realm at the time of the hash), for the tests to read. */
final class HashCounts {

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private HashCounts() {}

    static void count(String realm) {
        COUNTS.computeIfAbsent(realm == null ? "" : realm, r -> new AtomicLong())
                .incrementAndGet();
    }

    static long reset(String realm) {
        AtomicLong count = COUNTS.remove(realm);
        return count == null ? 0 : count.get();
    }
}
