package dev.failback.examples.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A uniquely named PostgreSQL schema for one test ({@link PostgresSchema}), with a pool on the test
 * database. Tests stage in {@code <name>_staging}; both schemas are dropped on close.
 */
final class PgSchema implements TargetDb {
    final String name;
    final String database;
    final HikariDataSource dataSource;
    private final PostgresSchema schema;

    PgSchema(String prefix, String... ddlResources) throws SQLException {
        schema = PostgresSchema.create(prefix);
        name = schema.name();
        database = schema.database();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("test-" + name);
        dataSource = open(cfg, schema);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + name + ", public");
            for (String r : ddlResources) {
                if (r.equals("type-zoo.sql")) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public");
                }
                s.execute(resource(r));
            }
            s.execute("SET search_path TO DEFAULT");
        }
    }

    /** Opens the pool; drops the schema when it cannot. */
    static HikariDataSource open(HikariConfig cfg, AutoCloseable schema) throws SQLException {
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            try {
                schema.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** The webhook path of this schema. */
    @Override
    public String path() {
        return "/" + database + "/" + name;
    }

    @Override
    public List<List<String>> query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return TestDatabases.rows(c, sql.replace("$S", name));
        }
    }

    @Override
    public String one(String sql) throws SQLException {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    @Override
    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql.replace("$S", name));
        }
    }

    static String resource(String name) {
        try (InputStream in = PgSchema.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] fixture(String file) {
        try (InputStream in = PgSchema.class.getResourceAsStream("/fixtures/changefeed/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            dataSource.close();
        } finally {
            schema.close();
        }
    }
}
