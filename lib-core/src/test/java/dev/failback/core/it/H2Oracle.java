package dev.failback.core.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.TestSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * An Oracle target emulated by H2 in Oracle mode (in memory, for CI): the Oracle data dictionary views
 * of the dialect's test fixture {@code oracle/h2-oracle-catalog.sql}, one upper-case owner (schema),
 * and staging in a PostgreSQL schema ({@link PostgresSchema}) since H2 cannot stage. The webhook path,
 * the pool and the {@code $S} helpers mirror {@link TestSchema}'s.
 */
final class H2Oracle implements AutoCloseable {
    private final String name;
    private final HikariDataSource dataSource;
    private final PostgresSchema staging;

    H2Oracle(String prefix, String... ddlResources) throws SQLException {
        staging = PostgresSchema.create(prefix + "_stg");
        name = staging.name().toUpperCase(java.util.Locale.ROOT).replace("_STG", "");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:h2:mem:" + name + ";MODE=Oracle;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("test-" + name);
        dataSource = new HikariDataSource(cfg);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements(TestSchema.resource("oracle/h2-oracle-catalog.sql"))) {
                s.execute(sql);
            }
            s.execute("CREATE SCHEMA " + name);
        }
        for (String r : ddlResources) {
            for (String sql : statements(TestSchema.resource(r))) {
                execute(sql);
            }
        }
    }

    /** Splits a script at lines ending in ';', dropping comment lines. */
    private static List<String> statements(String script) {
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

    public String name() {
        return name;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The pool on the PostgreSQL server holding staging. */
    public DataSource stagingDataSource() {
        return staging.dataSource();
    }

    public String stagingSchema() {
        return staging.stagingSchema();
    }

    public String path() {
        return "/" + name;
    }

    public List<List<String>> query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return TestDatabases.rows(c, sql.replace("$S", name));
        }
    }

    public String one(String sql) throws SQLException {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql.replace("$S", name));
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        } finally {
            dataSource.close();
            staging.close();
        }
    }
}
