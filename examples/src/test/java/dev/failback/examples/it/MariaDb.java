package dev.failback.examples.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * A uniquely named MariaDB/MySQL database for one test ({@link MariaDbDatabase}), with a pool; it and
 * its staging database are dropped on close.
 */
final class MariaDb implements TargetDb {
    private final String name;
    private final HikariDataSource dataSource;
    private final MariaDbDatabase database;

    MariaDb(String prefix, String... ddlResources) throws SQLException {
        database = MariaDbDatabase.create(prefix);
        name = database.name();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.mysqlUrl());
        cfg.setMaximumPoolSize(8);
        cfg.setPoolName("test-" + name);
        cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
        cfg.addDataSourceProperty("sessionVariables", "time_zone='+00:00'");
        dataSource = PgSchema.open(cfg, database);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("USE `" + name + "`");
            for (String r : ddlResources) {
                for (String statement : PgSchema.resource(r).split(";\\s*\\n")) {
                    if (!statement.isBlank()) {
                        s.execute(statement.replace("$S", "`" + name + "`"));
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String path() {
        return "/" + name;
    }

    @Override
    public List<List<String>> query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return TestDatabases.rows(c, sql.replace("$S", "`" + name + "`"));
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
            s.execute(sql.replace("$S", "`" + name + "`"));
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            dataSource.close();
        } finally {
            database.close();
        }
    }
}
