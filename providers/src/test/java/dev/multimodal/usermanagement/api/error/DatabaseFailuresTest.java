package dev.multimodal.usermanagement.api.error;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.io.EOFException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ModelException;

class DatabaseFailuresTest {

    @Test
    void aRefusedOrLostConnectionUnderJpaIsUnavailable() {
        assertTrue(DatabaseFailures.isUnavailable(new PersistenceException(
                "could not prepare statement", new SQLException("Connection to 127.0.0.1:5432 refused", "08001"))));
        assertTrue(DatabaseFailures.isUnavailable(new RuntimeException(new PersistenceException(
                new SQLException("terminating connection due to administrator command", "57P01")))));
        assertTrue(DatabaseFailures.isUnavailable(new SQLTransientConnectionException("pool exhausted")));
    }

    @Test
    void keycloaksEntityManagerKeepsOnlyTheDriversIoFailure() {
        assertTrue(DatabaseFailures.isUnavailable(
                new ModelException("Database operation failed", new ConnectException("Connection refused"))));
        assertTrue(DatabaseFailures.isUnavailable(new ModelException("Database operation failed", new EOFException())));
        assertFalse(
                DatabaseFailures.isUnavailable(new IllegalStateException(new EOFException())),
                "an I/O failure elsewhere");
    }

    @Test
    void thePoolsAcquisitionTimeoutIsUnavailable() {
        assertTrue(DatabaseFailures.isUnavailable(
                new IllegalStateException(new SQLException("Acquisition timeout while waiting for new connection"))));
    }

    @Test
    void hibernatesConnectionExceptionIsKnownByItsName() {
        assertTrue(DatabaseFailures.isUnavailable(new PersistenceException(new JDBCConnectionException())));
    }

    @Test
    void wrongStatementsAndBrokenKeysAreNot() {
        assertFalse(
                DatabaseFailures.isUnavailable(new PersistenceException(new SQLException("syntax error", "42601"))));
        assertFalse(
                DatabaseFailures.isUnavailable(new SQLIntegrityConstraintViolationException("duplicate key", "23505")));
        assertFalse(DatabaseFailures.isUnavailable(new SQLException("no state")));
        assertFalse(DatabaseFailures.isUnavailable(new IllegalStateException("not a database")));
    }

    /** Stands in for org.hibernate.exception.JDBCConnectionException, which is not on this module's class path. */
    private static final class JDBCConnectionException extends RuntimeException {}
}
