package dev.multimodal.usermanagement.it;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Counts the checks of an outage test and collects every violation instead of stopping at the first, so one run
 * shows every endpoint that answered wrongly; {@link #assertNone()} then fails with all of them.
 */
final class OutageChecks {

    private int checks;
    private final List<String> violations = new ArrayList<>();

    synchronized void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            violations.add(what);
        }
    }

    /** The answer of an API call while a dependency is down: 503 problem+json with {@code Retry-After}. */
    void unavailable(String call, Http.Reply reply) {
        String contentType = reply.header("Content-Type");
        check(reply.status() == 503
                        && contentType != null && contentType.startsWith("application/problem+json")
                        && reply.json().path("status").asInt() == 503
                        && reply.header("Retry-After") != null,
                call + " answered " + reply.status() + " " + contentType + " Retry-After=" + reply.header("Retry-After")
                        + " " + reply.raw().body());
    }

    synchronized void assertNone() {
        if (!violations.isEmpty()) {
            fail(violations.size() + " violations:\n" + String.join("\n", violations));
        }
    }

    synchronized void print(String suite) {
        System.out.printf("[security] %s: %d checks, %d violations%n", suite, checks, violations.size());
    }
}
