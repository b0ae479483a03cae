package dev.failback.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A uniquely named schema (PostgreSQL) or database (MariaDB/MySQL) on a test server, with a connection
 * of its own, for one test. {@link #close()} drops it and its staging schema
 * ({@code <name>_staging}, where the tests put Failback's staging) and closes the connection.
 *
 * <p>In SQL given to {@link #execute}, {@link #query} and {@link #one}, {@code $S} stands for the quoted
 * name. Not thread-safe: the connection is one JDBC connection. {@link #dataSource()} is a pool on the
 * server for the code under test (and for concurrent checks).
 */
public abstract sealed class TestSchema implements AutoCloseable permits PostgresSchema, MariaDbDatabase {
    private final Connection connection;
    private final String name;
    private HikariDataSource pool;

    /** The database kinds a test can be run against, for {@code @EnumSource} parameterized tests. */
    public enum Kind {
        /** PostgreSQL: a {@link PostgresSchema}. */
        POSTGRESQL,
        /** MariaDB/MySQL: a {@link MariaDbDatabase}. */
        MARIADB;

        /**
         * Creates a schema (PostgreSQL) or database (MariaDB/MySQL) of this kind and runs the scripts on it.
         *
         * @param prefix  a lower-case SQL identifier
         * @param scripts classpath resources to run, as {@link TestSchema#runScripts} does
         * @return the new schema; close it to drop it
         * @throws SQLException when it cannot be created or a script fails
         */
        public TestSchema create(String prefix, String... scripts) throws SQLException {
            return this == POSTGRESQL ? PostgresSchema.create(prefix, scripts) : MariaDbDatabase.create(prefix, scripts);
        }

        /**
         * Returns the JDBC URL of the test server of this kind.
         *
         * @return {@link TestDatabases#postgresUrl()} or {@link TestDatabases#mysqlUrl()}
         */
        public String jdbcUrl() {
            return this == POSTGRESQL ? TestDatabases.postgresUrl() : TestDatabases.mysqlUrl();
        }
    }

    TestSchema(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /**
     * Returns the unquoted name, unique to this run.
     *
     * @return the schema (PostgreSQL) or database (MariaDB/MySQL) name
     */
    public final String name() {
        return name;
    }

    /**
     * Returns the name of the staging schema the tests use beside this one; it is dropped on close.
     *
     * @return {@code <name>_staging}
     */
    public final String stagingSchema() {
        return name + "_staging";
    }

    /**
     * Returns the connection this schema owns; its default schema is this one. Do not close it.
     *
     * @return the open connection
     */
    public final Connection connection() {
        return connection;
    }

    /**
     * Returns the JDBC URL of the server (not of this schema).
     *
     * @return the URL from {@link TestDatabases}
     */
    public abstract String jdbcUrl();

    /**
     * Returns the webhook path that names this schema to Failback.
     *
     * @return {@code /<database>/<schema>} on PostgreSQL, {@code /<database>} on MariaDB/MySQL
     */
    public abstract String path();

    /**
     * Returns the name quoted for SQL.
     *
     * @return the quoted name
     */
    public abstract String quotedName();

    /**
     * Runs statements on this schema's connection, {@code $S} replaced by the quoted name.
     *
     * @param sql the statements
     * @throws SQLException as the database reports it
     */
    public final void execute(String... sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String q : sql) {
                s.execute(q.replace("$S", quotedName()));
            }
        }
    }

    /**
     * Runs a query, {@code $S} replaced by the quoted name.
     *
     * @param sql the query
     * @return the rows, each a list of column texts (null for SQL NULL)
     * @throws SQLException as the database reports it
     */
    public final List<List<String>> query(String sql) throws SQLException {
        return TestDatabases.rows(connection, sql.replace("$S", quotedName()));
    }

    /**
     * Runs a query and returns the first column of its first row.
     *
     * @param sql the query, {@code $S} replaced by the quoted name
     * @return the text of the value, or null when there is no row or the value is NULL
     * @throws SQLException as the database reports it
     */
    public final String one(String sql) throws SQLException {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /**
     * Returns a connection pool (HikariCP, at most 8 connections) on the server, opened on first use and
     * closed with this schema: the data source to give Failback as target and staging. Its connections
     * have the server's default schema, so SQL names tables {@code <name>.<table>}.
     *
     * @return the pool
     */
    public final synchronized DataSource dataSource() {
        if (pool == null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(jdbcUrl());
            cfg.setMaximumPoolSize(8);
            cfg.setPoolName("test-" + name);
            configurePool(cfg);
            pool = new HikariDataSource(cfg);
        }
        return pool;
    }

    /** Adds the settings of this kind of server to the pool's. */
    void configurePool(HikariConfig cfg) {
    }

    /**
     * Runs SQL scripts from the classpath on this schema's connection (its default schema is this one),
     * {@code $S} replaced by the quoted name. PostgreSQL gets each script as one multi-statement string;
     * MariaDB/MySQL gets its statements one by one, split where a line ends in {@code ;}.
     *
     * @param resources classpath resource names, such as {@code hr.sql} or {@code mysql/orders.sql}
     * @throws SQLException as the database reports it
     */
    public final void runScripts(String... resources) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String r : resources) {
                for (String sql : scriptStatements(resource(r))) {
                    s.execute(sql.replace("$S", quotedName()));
                }
            }
        }
    }

    /** The statements of a script: the whole script on PostgreSQL, which takes several at once. */
    abstract List<String> scriptStatements(String script);

    /** Runs the scripts on a new schema; drops it when one fails. */
    static <T extends TestSchema> T withScripts(T schema, String... scripts) throws SQLException {
        try {
            schema.runScripts(scripts);
            return schema;
        } catch (SQLException | RuntimeException e) {
            try {
                schema.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads a classpath resource as UTF-8 text.
     *
     * @param name the resource name, without a leading slash
     * @return its text
     * @throws IllegalStateException when there is no such resource
     */
    public static String resource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null || loader.getResource(name) == null) {
            loader = TestSchema.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statements that drop this schema and its staging schema. */
    abstract String[] dropStatements();

    /**
     * Closes the pool, drops this schema and its staging schema, then closes the connection. Idempotent.
     *
     * @throws SQLException when the drop fails (the connection is closed all the same)
     */
    @Override
    public final void close() throws SQLException {
        synchronized (this) {
            if (pool != null) {
                pool.close();
            }
        }
        if (connection.isClosed()) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            for (String drop : dropStatements()) {
                s.execute(drop);
            }
        } finally {
            connection.close();
        }
    }

    static List<List<String>> rows(ResultSet rs) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<String> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
