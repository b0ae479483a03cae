package dev.failback.dialect.cockroach;

import dev.failback.dialect.postgres.PostgresDialectProvider;
import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Provides {@link CockroachDialect} for targets that speak the PostgreSQL protocol and whose
 * {@code SELECT version()} names CockroachDB, at priority {@value #PRIORITY} (above PostgreSQL's 0).
 * Registered in {@code META-INF/services}. Thread-safe.
 */
public final class CockroachDialectProvider implements DialectProvider {

    /** The priority: above the PostgreSQL provider's 0. */
    public static final int PRIORITY = 10;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public CockroachDialectProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs {@code SELECT version()} on the metadata's connection when the product name is
     * {@code PostgreSQL}; see {@link PostgresDialectProvider#isCockroachDb}.
     */
    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return PostgresDialectProvider.isCockroachDb(metaData);
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Dialect create() {
        return new CockroachDialect();
    }
}
