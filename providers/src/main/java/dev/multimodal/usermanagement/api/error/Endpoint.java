package dev.multimodal.usermanagement.api.error;

import dev.multimodal.usermanagement.user.ProfileRules;
import jakarta.persistence.EntityExistsException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.ModelDuplicateException;

/**
 * Runs an endpoint and answers every failure as problem+json, rolling back whatever it had written.
 *
 * <p>It also commits the endpoint's work before answering. Keycloak would commit after the resource returned, when
 * closing the request's session, and a failure there (the database gone) reaches only Keycloak's own error handler,
 * which answers 500 {@code {"error":"unknown_error"}}. Committed here, such a failure is ours to answer: 503
 * problem+json with {@code Retry-After}, the same as a database failure while the endpoint ran. Keycloak then finds
 * the transaction completed and has nothing left to commit.
 */
public final class Endpoint {

    private static final Logger LOG = Logger.getLogger(Endpoint.class);
    /** Seconds a client should wait before retrying while the database is away. */
    static final String DATABASE_RETRY_AFTER = "5";

    private Endpoint() {}

    public static Response run(KeycloakSession session, Supplier<Response> body) {
        try {
            Response response = body.get();
            commit(session, response);
            return response;
        } catch (ApiProblem problem) {
            session.getTransactionManager().setRollbackOnly();
            return problem.toResponse();
        } catch (ProfileRules.InvalidProfileException refused) {
            session.getTransactionManager().setRollbackOnly();
            return ApiProblem.invalid(refused.violations().stream()
                            .map(violation -> new Problem.FieldError(violation.field(), violation.message()))
                            .toList())
                    .toResponse();
        } catch (ModelDuplicateException | EntityExistsException duplicate) {
            session.getTransactionManager().setRollbackOnly();
            LOG.debugf("Conflict: %s", duplicate.getMessage());
            return ApiProblem.conflict("It exists already.").toResponse();
        } catch (RuntimeException e) {
            if (isConstraintViolation(e)) {
                session.getTransactionManager().setRollbackOnly();
                return ApiProblem.conflict("It exists already.").toResponse();
            }
            if (!DatabaseFailures.isUnavailable(e)) {
                throw e;
            }
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("Database unavailable, answering 503: %s", rootMessage(e));
            return ApiProblem.serviceUnavailable(
                            "The database is unavailable. Try again shortly.", DATABASE_RETRY_AFTER)
                    .toResponse();
        }
    }

    /**
     * A streamed answer (the audit export) still reads from the database after this returns, inside the request's
     * transaction: Keycloak commits that one. So does a transaction already marked for rollback.
     */
    private static void commit(KeycloakSession session, Response response) {
        KeycloakTransactionManager transaction = session.getTransactionManager();
        Object entity = response.getEntity();
        if (transaction.isActive()
                && !transaction.getRollbackOnly()
                && !(entity instanceof StreamingOutput)
                && !(entity instanceof Stream<?>)) {
            transaction.commit();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** A unique key broken by a concurrent request (Hibernate's exception, seen through the JPA one). */
    private static boolean isConstraintViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("ConstraintViolationException")
                    || cause instanceof java.sql.SQLIntegrityConstraintViolationException
                    || (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
