package dev.failback.core.internal;

import dev.failback.FailbackConfigurationException;
import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/** Picks the dialect for a target database from the providers on the class path. */
final class Dialects {
    private Dialects() {
    }

    static Dialect detect(DataSource target) {
        try (Connection c = target.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            DialectProvider best = null;
            for (DialectProvider p : ServiceLoader.load(DialectProvider.class, Dialects.class.getClassLoader())) {
                if (p.supports(md) && (best == null || p.priority() > best.priority())) {
                    best = p;
                }
            }
            if (best == null) {
                throw new FailbackConfigurationException(List.of("no dialect supports the target database "
                        + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion()
                        + "; add dev.failback:failback-dialects to the class path or pass dialect(...)"));
            }
            return best.create();
        } catch (SQLException e) {
            throw new FailbackConfigurationException("the target database is unreachable: " + e.getMessage(), e);
        }
    }
}
