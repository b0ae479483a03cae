package dev.failback.spi;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Detects and creates a {@link Dialect}; found with {@link java.util.ServiceLoader}. When several
 * providers support a database, the highest {@link #priority()} wins (so MariaDB can win over MySQL
 * and CockroachDB over PostgreSQL). An explicit {@code Failback.Builder#dialect} always wins.
 */
public interface DialectProvider {

    /**
     * Returns whether this provider's dialect fits the database.
     *
     * @param metaData the target's metadata
     * @return true when supported
     * @throws SQLException when the metadata cannot be read
     */
    boolean supports(DatabaseMetaData metaData) throws SQLException;

    /**
     * Returns the priority among providers that support the same database; higher wins.
     *
     * @return the priority
     */
    default int priority() {
        return 0;
    }

    /**
     * Creates the dialect.
     *
     * @return the dialect
     */
    Dialect create();
}
