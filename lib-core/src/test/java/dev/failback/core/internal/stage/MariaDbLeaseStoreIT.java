package dev.failback.core.internal.stage;

import dev.failback.testing.TestDatabases;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The lease checks on the local MariaDB or MySQL, in a database of their own ({@link JdbcLeaseStoreChecks}). */
class MariaDbLeaseStoreIT extends JdbcLeaseStoreChecks {
    @Override
    void requireDatabase() throws SQLException {
        TestDatabases.mysql().close();
    }

    @Override
    String url() {
        return TestDatabases.mysqlUrl();
    }

    @Override
    String dropSql(String schema) {
        return "DROP DATABASE IF EXISTS `" + schema + "`";
    }

    @Override
    JdbcLeaseStore create(DataSource dataSource, String schema, boolean createSchema) {
        return JdbcLeaseStore.mysql(dataSource, schema, createSchema);
    }
}
