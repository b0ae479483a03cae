package dev.failback.dialect.mysql;

import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Provides {@link MySqlDialect} for targets whose JDBC metadata reports {@code MySQL} or
 * {@code MariaDB} (Connector/J reports {@code MySQL} for both; the version string tells MariaDB
 * apart), at priority 0. The flavor is detected in {@link #supports} and used by the next
 * {@link #create}. Registered in {@code META-INF/services}. Thread-safe.
 */
public final class MySqlDialectProvider implements DialectProvider {
    private volatile MySqlDialect detected;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MySqlDialectProvider() {
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        if (!"MySQL".equalsIgnoreCase(product) && !"MariaDB".equalsIgnoreCase(product)) {
            return false;
        }
        detected = MySqlDialect.forServer(product + " " + metaData.getDatabaseProductVersion(),
                MySqlDialect.DEFAULT_TECHNIQUE);
        return true;
    }

    @Override
    public int priority() {
        return 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the dialect for the server last seen by {@link #supports}; MySQL 8.0.19+ syntax when
     * none was seen.
     */
    @Override
    public Dialect create() {
        MySqlDialect d = detected;
        return d != null ? d : new MySqlDialect(MySqlDialect.Flavor.MYSQL);
    }
}
