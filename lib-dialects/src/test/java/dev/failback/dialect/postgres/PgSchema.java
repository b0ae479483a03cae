package dev.failback.dialect.postgres;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.TableInfo;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A uniquely named schema on the test PostgreSQL with its own connection (search path: the schema,
 * then public for PostGIS), dropped with CASCADE on close. Other runs share the server.
 */
final class PgSchema implements AutoCloseable {
    static final Hlc TS = Hlc.parse("1759246975662390001.0000000000");

    final Connection connection;
    final String name;

    private PgSchema(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    static PgSchema create() throws SQLException {
        Connection c = TestDatabases.postgres();
        String name = TestDatabases.uniqueName("pgdialect");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
            s.execute("SET search_path TO " + name + ", public");
        }
        return new PgSchema(c, name);
    }

    /** Makes PostGIS available in database postgres (schema public); tolerates a concurrent creation. */
    void postgis() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public");
                return;
            } catch (SQLException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Runs a query; returns rows of column texts. */
    List<List<String>> query(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    String one(String sql) throws SQLException {
        return query(sql).get(0).get(0);
    }

    TableInfo table(String table) throws SQLException {
        TableInfo t = new PostgresDialect().readSchema(connection, name).table(table);
        if (t == null) {
            throw new IllegalStateException("no table " + table + " in " + name);
        }
        return t;
    }

    Mutation upsert(String table, String key, String after) {
        return new Mutation(new TableName(name, table), key, TS, after, null);
    }

    Mutation delete(String table, String key) {
        return new Mutation(new TableName(name, table), key, TS, null, null);
    }

    /** Runs an upsert in a transaction of its own. */
    void upsert(PostgresDialect dialect, TableInfo table, Mutation... rows) throws SQLException {
        inTransaction(() -> dialect.upsert(connection, table, List.of(rows)));
    }

    /** Runs a delete in a transaction of its own. */
    void delete(PostgresDialect dialect, TableInfo table, Mutation... rows) throws SQLException {
        inTransaction(() -> dialect.delete(connection, table, List.of(rows)));
    }

    interface Work {
        void run() throws SQLException;
    }

    void inTransaction(Work work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } finally {
            connection.close();
        }
    }
}
