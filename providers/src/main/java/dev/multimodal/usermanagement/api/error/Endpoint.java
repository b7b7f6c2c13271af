package dev.multimodal.usermanagement.api.error;

import dev.multimodal.usermanagement.user.ProfileRules;
import jakarta.persistence.EntityExistsException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;

import java.util.function.Supplier;

/** Runs an endpoint and answers every failure as problem+json, rolling back whatever it had written. */
public final class Endpoint {

    private static final Logger LOG = Logger.getLogger(Endpoint.class);

    private Endpoint() {
    }

    public static Response run(KeycloakSession session, Supplier<Response> body) {
        try {
            return body.get();
        } catch (ApiProblem problem) {
            session.getTransactionManager().setRollbackOnly();
            return problem.toResponse();
        } catch (ProfileRules.InvalidProfileException refused) {
            session.getTransactionManager().setRollbackOnly();
            return ApiProblem.invalid(refused.violations().stream()
                    .map(violation -> new Problem.FieldError(violation.field(), violation.message())).toList()).toResponse();
        } catch (ModelDuplicateException | EntityExistsException duplicate) {
            session.getTransactionManager().setRollbackOnly();
            LOG.debugf("Conflict: %s", duplicate.getMessage());
            return ApiProblem.conflict("It exists already.").toResponse();
        } catch (PersistenceException e) {
            if (!isConstraintViolation(e)) {
                throw e;
            }
            session.getTransactionManager().setRollbackOnly();
            return ApiProblem.conflict("It exists already.").toResponse();
        }
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
