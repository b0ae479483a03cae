package dev.failback.core.internal.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.FailbackConfigurationException;
import dev.failback.spi.LeaseStore;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease checks on the local PostgreSQL, in a schema of their own dropped afterwards; the second
 * "process" is a store of its own with a pool of its own on the same schema.
 */
class PostgresLeaseStoreIT extends LeaseStoreChecks {
    private HikariDataSource dataSource;
    private HikariDataSource otherSource;
    private String schema;
    private JdbcLeaseStore store;
    private JdbcLeaseStore other;

    static HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgresUrl());
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    @BeforeEach
    void open() throws SQLException {
        TestDatabases.postgres().close();
        dataSource = pool();
        otherSource = pool();
        schema = TestDatabases.uniqueName("leaseit");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } finally {
            dataSource.close();
            otherSource.close();
        }
    }

    @Override
    LeaseStore store() throws SQLException {
        if (store == null) {
            store = JdbcLeaseStore.postgres(dataSource, schema, true);
            store.init();
        }
        return store;
    }

    @Override
    LeaseStore other() throws SQLException {
        store();
        if (other == null) {
            other = JdbcLeaseStore.postgres(otherSource, schema, false);
            other.init();
        }
        return other;
    }

    @Test
    void initIsIdempotentAndRefusesAMissingSchemaUnlessAskedToCreateIt() throws SQLException {
        assertThatThrownBy(() -> JdbcLeaseStore.postgres(dataSource, schema, false).init())
                .isInstanceOf(FailbackConfigurationException.class).hasMessageContaining("does not exist");
        JdbcLeaseStore.postgres(dataSource, schema, true).init();
        JdbcLeaseStore.postgres(dataSource, schema, true).init();
        JdbcLeaseStore.postgres(dataSource, schema, false).init();
        try (JdbcLeaseStore s = JdbcLeaseStore.postgres(dataSource, schema, false)) {
            s.init();
            assertThat(s.acquire("g", "a", 0, 1, LONG).heldBy("a")).isTrue();
        }
        assertThat(JdbcLeaseStore.postgres(otherSource, schema, false).acquire("g", "b", 0, 1, LONG).holder())
                .as("the lease outlives the store that took it").isEqualTo("a");
    }
}
