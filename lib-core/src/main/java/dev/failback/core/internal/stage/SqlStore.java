package dev.failback.core.internal.stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the stores in the staging database share: the schema they live in, creating their tables, and
 * statements keyed by group. Thread-safe.
 */
abstract class SqlStore {
    final DataSource dataSource;
    final String schema;
    final boolean createSchema;
    final StagingSql sql;

    SqlStore(DataSource dataSource, String schema, boolean createSchema, StagingSql sql) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.createSchema = createSchema;
        this.sql = sql;
    }

    /**
     * The {@code CREATE TABLE IF NOT EXISTS} statements of the store's tables.
     *
     * @return the statements, in order
     */
    abstract List<String> createTables();

    /**
     * Checks the database before the schema and tables are created.
     *
     * @param c a connection
     * @throws SQLException when the database is unreachable
     */
    void checkDatabase(Connection c) throws SQLException {
    }

    /**
     * Creates the schema (when asked) and the tables; safe to run from several processes at once.
     *
     * @throws SQLException when the database refuses
     */
    public void init() throws SQLException {
        StagingStores.concurrently(this::create);
    }

    private void create() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            checkDatabase(c);
            sql.ensureSchema(c, schema, createSchema);
            for (String ddl : createTables()) {
                s.execute(ddl);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** Prepares a statement whose first parameter is the group and the others numbers. */
    final PreparedStatement prepare(Connection c, String statement, String group, long... numbers)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        try {
            sql.bindName(ps, 1, group);
            for (int i = 0; i < numbers.length; i++) {
                ps.setLong(i + 2, numbers[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    /** Runs an update whose first parameter is the group and the others numbers. */
    final int update(String statement, String group, long... numbers) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, statement, group, numbers)) {
            return ps.executeUpdate();
        }
    }

    /** Runs a query for one number whose first parameter is the group and the others numbers. */
    final long queryLong(String statement, String group, long... numbers) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, statement, group, numbers);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + sql.family() + ", " + schema + "]";
    }
}
