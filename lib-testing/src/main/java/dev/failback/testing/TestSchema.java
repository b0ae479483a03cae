package dev.failback.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A uniquely named schema (PostgreSQL) or database (MariaDB/MySQL) on a test server, with a connection
 * of its own, for one test. {@link #close()} drops it and its staging schema
 * ({@code <name>_staging}, where the tests put Failback's staging) and closes the connection.
 *
 * <p>In SQL given to {@link #execute}, {@link #query} and {@link #one}, {@code $S} stands for the quoted
 * name. Not thread-safe: the connection is one JDBC connection.
 */
public abstract sealed class TestSchema implements AutoCloseable permits PostgresSchema, MariaDbDatabase {
    private final Connection connection;
    private final String name;

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

    /** The statements that drop this schema and its staging schema. */
    abstract String[] dropStatements();

    /**
     * Drops this schema and its staging schema, then closes the connection. Idempotent.
     *
     * @throws SQLException when the drop fails (the connection is closed all the same)
     */
    @Override
    public final void close() throws SQLException {
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
