package dev.failback.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A uniquely named schema in the test PostgreSQL database ({@link TestDatabases#postgres()}), with a
 * connection whose search path is the schema, then {@code public} (for extensions such as PostGIS).
 * Dropped with {@code CASCADE}, with its staging schema, on close.
 *
 * <pre>{@code
 * try (PostgresSchema schema = PostgresSchema.create("orders")) {
 *     schema.execute("CREATE TABLE $S.orders (id INT PRIMARY KEY)");
 * }
 * }</pre>
 */
public final class PostgresSchema extends TestSchema {
    private final String database;

    private PostgresSchema(Connection connection, String name, String database) {
        super(connection, name);
        this.database = database;
    }

    /**
     * Creates a schema named {@code <prefix>_<unique suffix>}; skips the test (developer run) or fails
     * it (CI) when PostgreSQL is unreachable.
     *
     * @param prefix a lower-case SQL identifier
     * @return the new schema; close it to drop it
     * @throws SQLException when the schema cannot be created
     */
    public static PostgresSchema create(String prefix) throws SQLException {
        Connection c = TestDatabases.postgres();
        String name = TestDatabases.uniqueName(prefix);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
            s.execute("SET search_path TO " + name + ", public");
            return new PostgresSchema(c, name, c.getCatalog());
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Creates a schema as {@link #create(String)} does and runs SQL scripts from the classpath on it
     * ({@link #runScripts}); drops it again when a script fails.
     *
     * @param prefix  a lower-case SQL identifier
     * @param scripts classpath resources, such as {@code hr.sql}
     * @return the new schema; close it to drop it
     * @throws SQLException when the schema cannot be created or a script fails
     */
    public static PostgresSchema create(String prefix, String... scripts) throws SQLException {
        return withScripts(create(prefix), scripts);
    }

    /**
     * Returns the database holding the schema.
     *
     * @return the database (catalog) name
     */
    public String database() {
        return database;
    }

    @Override
    public String jdbcUrl() {
        return TestDatabases.postgresUrl();
    }

    @Override
    public String path() {
        return "/" + database + "/" + name();
    }

    @Override
    public String quotedName() {
        return name();
    }

    @Override
    List<String> scriptStatements(String script) {
        return List.of(script);
    }

    @Override
    String[] dropStatements() {
        return new String[] {"DROP SCHEMA IF EXISTS " + name() + " CASCADE",
            "DROP SCHEMA IF EXISTS " + stagingSchema() + " CASCADE"};
    }
}
