package dev.failback.dialect.mysql;

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
 * A uniquely named database on the test MariaDB/MySQL with its own connection (the database is the
 * default one), dropped on close. Other runs share the server.
 */
final class MyDatabase implements AutoCloseable {
    static final Hlc TS = Hlc.parse("1759246975662390001.0000000000");

    final Connection connection;
    final String name;

    private MyDatabase(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    static MyDatabase create() throws SQLException {
        return create(TestDatabases.mysql());
    }

    static MyDatabase create(Connection c) throws SQLException {
        String name = TestDatabases.uniqueName("mydialect");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            s.execute("USE " + name);
        }
        return new MyDatabase(c, name);
    }

    /** The dialect of the connected server. */
    MySqlDialect dialect(MySqlApplyTechnique technique) throws SQLException {
        return MySqlDialect.detect(connection, technique);
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Runs a query; returns rows of column texts ("null" for NULL). */
    List<List<String>> query(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getString(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    String one(String sql) throws SQLException {
        return query(sql).get(0).get(0);
    }

    TableInfo table(MySqlDialect dialect, String table) throws SQLException {
        TableInfo t = dialect.readSchema(connection, name).table(table);
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
    void upsert(MySqlDialect dialect, TableInfo table, Mutation... rows) throws SQLException {
        inTransaction(() -> dialect.upsert(connection, table, List.of(rows)));
    }

    /** Runs a delete in a transaction of its own. */
    void delete(MySqlDialect dialect, TableInfo table, Mutation... rows) throws SQLException {
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
            s.execute("DROP DATABASE IF EXISTS " + name);
        } finally {
            connection.close();
        }
    }
}
