package dev.failback.testing.simulator;

import java.util.Objects;

/** Quoting of the schema or database the workloads' DDL names. Stateless. */
final class Ddl {
    private Ddl() {
    }

    /**
     * Quotes a PostgreSQL schema name.
     *
     * @param schema a plain SQL identifier
     * @return the name in double quotes
     * @throws IllegalArgumentException when the name is not a plain SQL identifier
     */
    static String postgresSchema(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier, but was " + schema);
        }
        return "\"" + schema + "\"";
    }

    /**
     * Quotes a MySQL/MariaDB database name, doubling embedded backticks.
     *
     * @param database the name
     * @return the name in backticks
     */
    static String mysqlDatabase(String database) {
        return "`" + database.replace("`", "``") + "`";
    }
}
