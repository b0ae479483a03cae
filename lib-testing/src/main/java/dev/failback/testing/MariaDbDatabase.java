package dev.failback.testing;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A uniquely named database on the test MariaDB/MySQL server ({@link TestDatabases#mysql()}), with a
 * connection whose default database it is. Dropped, with its staging database, on close. Its connection and
 * its {@link #dataSource() pool} have the session time zone UTC, so TIMESTAMP values read the same on every
 * server.
 */
public final class MariaDbDatabase extends TestSchema {

    private MariaDbDatabase(Connection connection, String name) {
        super(connection, name);
    }

    /**
     * Creates a database named {@code <prefix>_<unique suffix>}; skips the test (developer run) or
     * fails it (CI) when MariaDB/MySQL is unreachable.
     *
     * @param prefix a lower-case SQL identifier
     * @return the new database; close it to drop it
     * @throws SQLException when the database cannot be created
     */
    public static MariaDbDatabase create(String prefix) throws SQLException {
        Connection c = TestDatabases.mysql();
        String name = TestDatabases.uniqueName(prefix);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "`");
            s.execute("USE `" + name + "`");
            s.execute("SET time_zone = '+00:00'");
            return new MariaDbDatabase(c, name);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Creates a database as {@link #create(String)} does and runs SQL scripts from the classpath on it
     * ({@link #runScripts}); drops it again when a script fails.
     *
     * @param prefix  a lower-case SQL identifier
     * @param scripts classpath resources, such as {@code hr-mysql.sql}
     * @return the new database; close it to drop it
     * @throws SQLException when the database cannot be created or a script fails
     */
    public static MariaDbDatabase create(String prefix, String... scripts) throws SQLException {
        return withScripts(create(prefix), scripts);
    }

    /** Batched inserts rewritten into multi-row ones, and sessions in UTC. */
    @Override
    void configurePool(HikariConfig cfg) {
        cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
        cfg.addDataSourceProperty("sessionVariables", "time_zone='+00:00'");
    }

    @Override
    List<String> scriptStatements(String script) {
        List<String> out = new ArrayList<>();
        for (String statement : script.split(";\\s*\\n")) {
            if (!statement.isBlank()) {
                out.add(statement);
            }
        }
        return out;
    }

    @Override
    public String jdbcUrl() {
        return TestDatabases.mysqlUrl();
    }

    @Override
    public String path() {
        return "/" + name();
    }

    @Override
    public String quotedName() {
        return "`" + name() + "`";
    }

    @Override
    String[] dropStatements() {
        return new String[] {"DROP DATABASE IF EXISTS `" + name() + "`",
            "DROP DATABASE IF EXISTS `" + stagingSchema() + "`"};
    }
}
