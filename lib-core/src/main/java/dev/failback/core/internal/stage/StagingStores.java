package dev.failback.core.internal.stage;

import dev.failback.FailbackConfigurationException;
import dev.failback.core.internal.Backoff;
import dev.failback.spi.CheckpointStore;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/** Picks the JDBC staging and checkpoint stores that fit the staging database. */
public final class StagingStores {
    private StagingStores() {
    }

    /**
     * The staging and checkpoint stores for one database.
     *
     * @param staging     the staging store, which also keeps key versions and dead letters
     * @param checkpoints the checkpoint store
     * @param leases      the lease store
     */
    public record Stores(SqlStagingStore staging, CheckpointStore checkpoints, dev.failback.spi.LeaseStore leases) {
    }

    /**
     * Creates the stores for a staging database: PostgreSQL and CockroachDB share one SQL flavour,
     * MySQL and MariaDB have their own.
     *
     * @param dataSource the staging database
     * @param schema     the staging schema (a database on MySQL)
     * @param create     whether to create the schema when missing
     * @return the stores, not yet initialized
     * @throws FailbackConfigurationException when the database is unreachable or not supported
     */
    public static Stores jdbc(DataSource dataSource, String schema, boolean create) {
        String product;
        String version;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            product = md.getDatabaseProductName();
            version = md.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new FailbackConfigurationException("the staging database is unreachable: " + e.getMessage(), e);
        }
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("mysql") || p.contains("mariadb")) {
            return mysql(dataSource, schema, create);
        }
        if (p.contains("postgres") || p.contains("cockroach")) {
            return postgres(dataSource, schema, create);
        }
        throw new FailbackConfigurationException(List.of("staging on " + product + " " + version
                + " is not supported; stage in PostgreSQL, CockroachDB, MySQL or MariaDB"));
    }

    /**
     * The stores on PostgreSQL or CockroachDB.
     *
     * @param dataSource the staging database
     * @param schema     the staging schema ({@code schema} or {@code database.schema})
     * @param create     whether to create the schema when missing
     * @return the stores, not yet initialized
     */
    public static Stores postgres(DataSource dataSource, String schema, boolean create) {
        return new Stores(new SqlStagingStore(dataSource, schema, create, StagingSql.POSTGRES),
                new SqlCheckpointStore(dataSource, schema, create, StagingSql.POSTGRES),
                JdbcLeaseStore.postgres(dataSource, schema, create));
    }

    /**
     * The stores on MySQL or MariaDB.
     *
     * @param dataSource the staging database
     * @param schema     the staging database name
     * @param create     whether to create it when missing
     * @return the stores, not yet initialized
     */
    public static Stores mysql(DataSource dataSource, String schema, boolean create) {
        return new Stores(new SqlStagingStore(dataSource, schema, create, StagingSql.MYSQL),
                new SqlCheckpointStore(dataSource, schema, create, StagingSql.MYSQL),
                JdbcLeaseStore.mysql(dataSource, schema, create));
    }

    /** DDL to run; may throw. */
    @FunctionalInterface
    public interface Ddl {
        /**
         * Runs the statements.
         *
         * @throws SQLException when the database refuses them
         */
        void run() throws SQLException;
    }

    /** The pauses between tries of {@link #concurrently}: 20 ms doubling up to 80 ms. */
    private static final Backoff CONCURRENT_DDL = new Backoff(20, 80);

    /**
     * Runs {@code CREATE ... IF NOT EXISTS} statements that several processes may run at the same moment:
     * PostgreSQL can then still fail one of them with a unique violation on its catalog (23505) or
     * "already exists" (42P07, 42710, 42P06); trying again finds the object there.
     *
     * @param ddl the statements, safe to run again
     * @throws SQLException when they fail for another reason, or still after 5 tries
     */
    public static void concurrently(Ddl ddl) throws SQLException {
        for (int attempt = 1;; attempt++) {
            try {
                ddl.run();
                return;
            } catch (SQLException e) {
                String state = String.valueOf(e.getSQLState());
                boolean race = state.equals("23505") || state.equals("42P07") || state.equals("42710")
                        || state.equals("42P06") || state.equals("40001"); // CockroachDB: concurrent schema changes
                if (!race || attempt >= 5) {
                    throw e;
                }
                try {
                    Thread.sleep(CONCURRENT_DDL.pause(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
