package dev.failback.testing.simulator;

/**
 * A {@link Workload} whose tables reference each other, with DDL that may leave the foreign keys out:
 * immediate mode applies batches as they come, so a child may reach the target before its parent. The
 * DDL of {@link Workload} declares them.
 */
public interface ForeignKeyWorkload extends Workload {

    /**
     * Returns the PostgreSQL DDL, optionally without foreign keys.
     *
     * @param schema      a plain SQL identifier
     * @param foreignKeys whether to declare the foreign keys
     * @return the DDL, statements separated by {@code ;\n}
     */
    String postgresDdl(String schema, boolean foreignKeys);

    /**
     * Returns the MySQL/MariaDB DDL, optionally without foreign keys.
     *
     * @param database    a plain SQL identifier
     * @param foreignKeys whether to declare the foreign keys
     * @return the DDL, statements separated by {@code ;\n}
     */
    String mysqlDdl(String database, boolean foreignKeys);

    /** Returns the PostgreSQL DDL with the foreign keys: {@code postgresDdl(schema, true)}. */
    @Override
    default String postgresDdl(String schema) {
        return postgresDdl(schema, true);
    }

    /** Returns the MySQL/MariaDB DDL with the foreign keys: {@code mysqlDdl(database, true)}. */
    @Override
    default String mysqlDdl(String database) {
        return mysqlDdl(database, true);
    }
}
