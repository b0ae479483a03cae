package dev.failback.dialect.postgres;

import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Provides {@link PostgresDialect} for targets whose JDBC metadata reports {@code PostgreSQL} and that
 * are not CockroachDB (which reports the same name through pgjdbc; see {@link #isCockroachDb}), at
 * priority 0. Registered in {@code META-INF/services}. Thread-safe.
 */
public final class PostgresDialectProvider implements DialectProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public PostgresDialectProvider() {
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return "PostgreSQL".equals(metaData.getDatabaseProductName()) && !isCockroachDb(metaData);
    }

    /**
     * Returns whether a database that speaks the PostgreSQL protocol is CockroachDB: pgjdbc reports
     * product name {@code PostgreSQL} and a PostgreSQL server version for both, so this runs
     * {@code SELECT version()} on the metadata's connection (left open) and looks for
     * {@code CockroachDB} ({@code CockroachDB CCL v24.3.5 (x86_64-pc-linux-gnu, ...)}).
     *
     * @param metaData the metadata of an open connection
     * @return true for CockroachDB; false for every other database, without a query unless it
     *         reports {@code PostgreSQL}
     * @throws SQLException when the query fails
     */
    public static boolean isCockroachDb(DatabaseMetaData metaData) throws SQLException {
        if (!"PostgreSQL".equals(metaData.getDatabaseProductName())) {
            return false;
        }
        try (Statement s = metaData.getConnection().createStatement();
                ResultSet rs = s.executeQuery("SELECT version()")) {
            return rs.next() && rs.getString(1) != null && rs.getString(1).contains("CockroachDB");
        }
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
