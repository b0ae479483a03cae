package dev.failback.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A uniquely named database on the test MariaDB/MySQL server ({@link TestDatabases#mysql()}), with a
 * connection whose default database it is. Dropped, with its staging database, on close.
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
            return new MariaDbDatabase(c, name);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
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
