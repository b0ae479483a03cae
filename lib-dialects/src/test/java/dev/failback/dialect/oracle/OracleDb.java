package dev.failback.dialect.oracle;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.Dialect;
import dev.failback.spi.TableInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target for the Oracle dialect tests: an in-memory H2 database in Oracle mode with the
 * dictionary emulation of {@code oracle/h2-oracle-catalog.sql} and an owner (schema) {@code APP},
 * or, for {@link OracleFreeIT}, a real Oracle connection. Auto-commit is off; helpers commit.
 */
final class OracleDb implements AutoCloseable {
    static final Hlc TS = Hlc.parse("1759246975662390001.0000000000");
    private static final AtomicInteger SEQ = new AtomicInteger();

    final Connection connection;
    final String owner;

    OracleDb(Connection connection, String owner) {
        this.connection = connection;
        this.owner = owner;
    }

    /** A fresh in-memory H2 database in Oracle mode, with owner {@code APP}. */
    static OracleDb h2() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:oracle" + SEQ.incrementAndGet() + "_" + System.nanoTime()
                + ";MODE=Oracle;DEFAULT_NULL_ORDERING=HIGH");
        try (Statement s = c.createStatement()) {
            for (String sql : statements(resource("/oracle/h2-oracle-catalog.sql"))) {
                s.execute(sql);
            }
            s.execute("CREATE SCHEMA APP");
        }
        c.setAutoCommit(false);
        return new OracleDb(c, "APP");
    }

    /** Splits a script at lines ending in ';', dropping comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String sql = current.toString().trim();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }

    static String resource(String name) {
        try (InputStream in = OracleDb.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
        connection.commit();
    }

    TableInfo table(String name) throws SQLException {
        TableInfo t = new OracleDialect().readSchema(connection, owner).table(name);
        if (t == null) {
            throw new IllegalStateException("no table " + name);
        }
        return t;
    }

    Mutation upsert(String table, String key, String after) {
        return new Mutation(new TableName(owner, table), key, TS, after, null);
    }

    Mutation delete(String table, String key) {
        return new Mutation(new TableName(owner, table), key, TS, null, null);
    }

    void upsert(Dialect dialect, TableInfo table, Mutation... rows) throws SQLException {
        try {
            dialect.upsert(connection, table, List.of(rows));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    void upsert(Dialect dialect, TableInfo table, List<Mutation> rows) throws SQLException {
        upsert(dialect, table, rows.toArray(new Mutation[0]));
    }

    void delete(Dialect dialect, TableInfo table, Mutation... rows) throws SQLException {
        try {
            dialect.delete(connection, table, List.of(rows));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** Rows as strings (null stays null). */
    List<List<String>> query(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        connection.commit();
        return rows;
    }

    String one(String sql) throws SQLException {
        return query(sql).get(0).get(0);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
