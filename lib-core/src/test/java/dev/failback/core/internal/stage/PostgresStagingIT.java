package dev.failback.core.internal.stage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The staging checks on the local PostgreSQL, in a schema of their own dropped afterwards. */
class PostgresStagingIT extends StagingStoreChecks {
    private HikariDataSource dataSource;
    private String schema;

    @BeforeEach
    void open() throws SQLException {
        TestDatabases.postgres().close();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgresUrl());
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        schema = TestDatabases.uniqueName("stagingit");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } finally {
            dataSource.close();
        }
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    String schema() {
        return schema;
    }
}
