package dev.failback.dialect.oracle;

import dev.failback.spi.Dialect;
import dev.failback.spi.DialectProvider;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Provides {@link OracleDialect} for targets whose JDBC metadata reports {@code Oracle}, and for H2
 * running in Oracle compatibility mode ({@code MODE=Oracle}), which exists for tests only: H2 is not
 * a supported production target. Priority 0. Registered in {@code META-INF/services}. Thread-safe.
 */
public final class OracleDialectProvider implements DialectProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public OracleDialectProvider() {
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        if ("Oracle".equals(product)) {
            return true;
        }
        if (!"H2".equals(product)) {
            return false;
        }
        try (Statement s = metaData.getConnection().createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'MODE'")) {
            return rs.next() && "Oracle".equalsIgnoreCase(rs.getString(1));
        }
    }

    @Override
    public Dialect create() {
        return new OracleDialect();
    }
}
