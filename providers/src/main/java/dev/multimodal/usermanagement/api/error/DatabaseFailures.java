package dev.multimodal.usermanagement.api.error;

import jakarta.persistence.PersistenceException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;
import org.keycloak.models.ModelException;

/**
 * Tells a database that is unreachable or overloaded (worth a retry: 503) from a bug (500), by the causes of an
 * exception: JPA and Hibernate wrap the driver's and the pool's exceptions, Keycloak wraps them again at commit.
 */
public final class DatabaseFailures {

    /** SQLSTATE classes and codes of a database that is away or busy, not of a wrong statement. */
    private static final String[] TRANSIENT_STATES = {
        "08", // connection exception: refused, broken, lost
        "53", // insufficient resources: too many connections, out of memory or disk
        "57P", // operator intervention: admin or crash shutdown, cannot connect now
        "40", // transaction rollback: serialization failure, deadlock
        "55P03", // lock not available
    };

    private DatabaseFailures() {}

    public static boolean isUnavailable(Throwable failure) {
        boolean database = false;
        boolean io = false;
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause(), depth++) {
            String type = cause.getClass().getSimpleName();
            if (type.equals("JDBCConnectionException") // Hibernate's
                    || cause instanceof SQLTransientException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && (transientState(sql.getSQLState()) || poolTimeout(sql))) {
                return true;
            }
            database |= cause instanceof SQLException
                    || cause instanceof PersistenceException
                    || cause instanceof ModelException;
            io |= cause instanceof IOException;
        }
        // Keycloak's entity manager keeps only the root cause: ModelException("Database operation failed") caused by
        // the driver's ConnectException or EOFException, the SQLException between them gone
        return database && io;
    }

    private static boolean transientState(String state) {
        if (state == null) {
            return false;
        }
        for (String prefix : TRANSIENT_STATES) {
            if (state.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Agroal, Keycloak's pool, says so only in its message: "Acquisition timeout while waiting for new connection". */
    private static boolean poolTimeout(SQLException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("acquisition timeout");
    }
}
