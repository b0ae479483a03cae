package dev.failback.dialect.postgres;

import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Provides {@link PostgresDialect} for targets whose JDBC metadata reports {@code PostgreSQL}, at
 * priority 0 (a CockroachDB provider, whose servers report the same name, wins with a higher one).
 * Registered in {@code META-INF/services}. Thread-safe.
 */
public final class PostgresDialectProvider implements DialectProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public PostgresDialectProvider() {
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return "PostgreSQL".equals(metaData.getDatabaseProductName());
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Dialect create() {
        return new PostgresDialect();
    }
}
