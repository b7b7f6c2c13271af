package dev.multimodal.usermanagement.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The run's own Postgres database: dropped and created empty at the start of each run. */
public final class TestDatabase {

    private final String serverUrl;
    private final String user;
    private final String password;
    private final String name;

    TestDatabase(String serverUrl, String user, String password, String name) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    static TestDatabase fromSystemProperties() {
        return new TestDatabase(
                System.getProperty("it.postgres.url", "jdbc:postgresql://127.0.0.1:5432/"),
                System.getProperty("it.postgres.user", "postgres"),
                System.getProperty("it.postgres.password", ""),
                System.getProperty("it.postgres.database", "user_management_it"));
    }

    /** Another database on the same Postgres, {@code <name>_<suffix>}, dropped and created empty. */
    TestDatabase freshSibling(String suffix) {
        TestDatabase sibling = new TestDatabase(serverUrl, user, password, name + "_" + suffix);
        sibling.recreate();
        return sibling;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return serverUrl + name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    void recreate() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
    }

    /** Refuses new connections and ends the open ones: the database is down for Keycloak. */
    public void takeDown() {
        execute(
                "ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }

    public void bringUp() {
        execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
    }

    private void execute(String... statements) {
        try (Connection connection = DriverManager.getConnection(serverUrl + "postgres", user, password);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Postgres at " + serverUrl + " as " + user + ": " + e.getMessage()
                            + " (is it running? pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)",
                    e);
        }
    }
}
