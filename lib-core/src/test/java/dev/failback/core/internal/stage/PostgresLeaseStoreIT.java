package dev.failback.core.internal.stage;

import dev.failback.testing.TestDatabases;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The lease checks on the local PostgreSQL ({@link JdbcLeaseStoreChecks}). */
class PostgresLeaseStoreIT extends JdbcLeaseStoreChecks {
    @Override
    void requireDatabase() throws SQLException {
        TestDatabases.postgres().close();
    }

    @Override
    String url() {
        return TestDatabases.postgresUrl();
    }

    @Override
    String dropSql(String schema) {
        return "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE";
    }

    @Override
    JdbcLeaseStore create(DataSource dataSource, String schema, boolean createSchema) {
        return JdbcLeaseStore.postgres(dataSource, schema, createSchema);
    }
}
