package dev.failback.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the databases tests run against, in this order: an explicit JDBC URL (environment variable
 * or system property), Testcontainers when Docker is available (not for PostgreSQL or MariaDB here:
 * they run locally everywhere), then the local default server.
 *
 * <p>A database that cannot be reached fails the test when {@code CI=true} and is a named skip
 * otherwise.
 *
 * <table>
 * <caption>Where each database comes from</caption>
 * <tr><th>database</th><th>environment / system property</th><th>local default</th></tr>
 * <tr><td>PostgreSQL</td><td>{@code FAILBACK_TEST_PG_URL} / {@code failback.test.pg.url}</td>
 *     <td>{@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}</td></tr>
 * <tr><td>MariaDB/MySQL</td><td>{@code FAILBACK_TEST_MYSQL_URL} / {@code failback.test.mysql.url}</td>
 *     <td>{@code jdbc:mysql://127.0.0.1:3306/test?user=root}</td></tr>
 * </table>
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** The PostgreSQL JDBC URL tests use. */
    public static String postgresUrl() {
        return url("FAILBACK_TEST_PG_URL", "failback.test.pg.url",
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    }

    /** The MariaDB/MySQL JDBC URL tests use. */
    public static String mysqlUrl() {
        return url("FAILBACK_TEST_MYSQL_URL", "failback.test.mysql.url",
                "jdbc:mysql://127.0.0.1:3306/test?user=root&password=");
    }

    /**
     * Opens a PostgreSQL connection, or fails (CI) / skips with the reason (developer run).
     *
     * @return an open connection
     */
    public static Connection postgres() {
        return connect("PostgreSQL", postgresUrl());
    }

    /**
     * Opens a MariaDB/MySQL connection, or fails (CI) / skips with the reason (developer run).
     *
     * @return an open connection
     */
    public static Connection mysql() {
        return connect("MariaDB/MySQL", mysqlUrl());
    }

    /**
     * Returns whether tests run in CI, where a missing database is a failure.
     *
     * @return true when {@code CI} is set to true
     */
    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.toLowerCase(Locale.ROOT).equals("false");
    }

    /**
     * Returns a schema or database name unique to this run, safe for concurrent test runs.
     *
     * @param prefix a lower-case prefix
     * @return the name
     */
    public static String uniqueName(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime() & 0xffffffffL, 36)
                + Integer.toString((int) (Math.random() * 1000));
    }

    /**
     * Runs a query and returns its rows.
     *
     * @param connection where to run it; left open
     * @param sql the query
     * @return the rows, each a list of column texts ({@code ResultSet#getString}, null for SQL NULL)
     * @throws SQLException as the database reports it
     */
    public static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return TestSchema.rows(rs);
        }
    }

    private static Connection connect(String what, String url) {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            String reason = what + " is not reachable at " + url + ": " + e.getMessage();
            if (inCi()) {
                throw new AssertionError("CI requires " + reason, e);
            }
            Assumptions.abort("SKIPPED (no database): " + reason);
            throw new IllegalStateException("unreachable");
        }
    }

    private static String url(String env, String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
