package dev.multimodal.usermanagement.bench;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One side of a scenario: what each request sends (built from the scenario's shared state, e.g. the next user),
 * which answers count as served, and, when it needs to, what it keeps from an answer (e.g. a rotated refresh token).
 */
public final class Endpoint {

    /** One request: an absolute URL, a body (null for none) and a bearer token (null for none). */
    public record Request(String url, String contentType, String body, String bearer, int slot) {}

    /** What a side keeps from an answer. */
    public interface Answered {
        void answered(Request request, int status, String body);
    }

    final String label;
    final String method;
    final IntPredicate served;
    final boolean sendsBody;
    final boolean sendsBearer;
    final Supplier<Request> next;
    final Answered answered;

    private Endpoint(
            String label,
            String method,
            IntPredicate served,
            boolean sendsBody,
            boolean sendsBearer,
            Supplier<Request> next,
            Answered answered) {
        this.label = label;
        this.method = method;
        this.served = served;
        this.sendsBody = sendsBody;
        this.sendsBearer = sendsBearer;
        this.next = next;
        this.answered = answered;
    }

    /** A POST with a body and no bearer (logins, token endpoint, registration), served when the status is as given. */
    public static Endpoint post(String label, IntPredicate served, Supplier<Request> next) {
        return new Endpoint(label, "POST", served, true, false, next, null);
    }

    /** A POST with a body and a bearer token (admin REST, our platform API). */
    public static Endpoint postWithBearer(String label, IntPredicate served, Supplier<Request> next) {
        return new Endpoint(label, "POST", served, true, true, next, null);
    }

    /** A GET with a bearer token, served on 200. */
    public static Endpoint get(String label, Supplier<Request> next) {
        return new Endpoint(label, "GET", s -> s == 200, false, true, next, null);
    }

    /** The same endpoint, also handing each answer to answered. */
    public Endpoint reading(Answered answered) {
        return new Endpoint(label, method, served, sendsBody, sendsBearer, next, answered);
    }

    public String label() {
        return label;
    }

    Request next() {
        return next.get();
    }
}
