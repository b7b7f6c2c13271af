package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts the checks of an outage test and collects every violation instead of stopping at the first, so one run
 * shows every endpoint that answered wrongly; {@link #assertNone()} then fails with all of them.
 */
final class OutageChecks {

    private int checks;
    private final List<String> violations = new ArrayList<>();
    private int reported;

    synchronized void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            violations.add(what);
        }
    }

    /** The answer of an API call while a dependency is down: 503 problem+json with {@code Retry-After}. */
    void unavailable(String call, Http.Reply reply) {
        String contentType = reply.header("Content-Type");
        check(
                reply.status() == 503
                        && contentType != null
                        && contentType.startsWith("application/problem+json")
                        && reply.json().path("status").asInt() == 503
                        && reply.header("Retry-After") != null,
                call + " answered " + reply.status() + " " + contentType + " Retry-After=" + reply.header("Retry-After")
                        + " " + reply.raw().body());
    }

    /** Fails with the violations found since the last call (each test asserts its own). */
    synchronized void assertNone() {
        List<String> fresh = List.copyOf(violations.subList(reported, violations.size()));
        reported = violations.size();
        if (!fresh.isEmpty()) {
            fail(fresh.size() + " violations:\n" + String.join("\n", fresh));
        }
    }

    /** The suite's count line, {@code [security] outages: N checks, V violations (what)}. */
    synchronized void print(String what) {
        System.out.printf("[security] outages: %d checks, %d violations (%s)%n", checks, violations.size(), what);
    }
}
