package dev.failback.core.internal.stage;

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
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease checks on a local database, in a schema (a database on MySQL) of their own dropped afterwards;
 * the second "process" is a store of its own with a pool of its own on the same schema.
 */
abstract class JdbcLeaseStoreChecks extends LeaseStoreChecks {
    private HikariDataSource dataSource;
    private HikariDataSource otherSource;
    private String schema;
    private JdbcLeaseStore store;
    private JdbcLeaseStore other;

    /** Skips the test (or fails it under CI) when the database is missing. */
    abstract void requireDatabase() throws SQLException;

    abstract String url();

    abstract String dropSql(String schema);

    abstract JdbcLeaseStore create(DataSource dataSource, String schema, boolean createSchema);

    private HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    @BeforeEach
    void open() throws SQLException {
        requireDatabase();
        dataSource = pool();
        otherSource = pool();
        schema = TestDatabases.uniqueName("leaseit");
    }

    @AfterEach
    void drop() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(dropSql(schema));
        } finally {
            dataSource.close();
            otherSource.close();
        }
    }

    @Override
    LeaseStore store() throws SQLException {
        if (store == null) {
            store = create(dataSource, schema, true);
            store.init();
        }
        return store;
    }

    @Override
    LeaseStore other() throws SQLException {
        store();
        if (other == null) {
            other = create(otherSource, schema, false);
            other.init();
        }
        return other;
    }

    @Test
    void initIsIdempotentAndRefusesAMissingSchemaUnlessAskedToCreateIt() throws SQLException {
        assertThatThrownBy(() -> create(dataSource, schema, false).init())
                .isInstanceOf(FailbackConfigurationException.class).hasMessageContaining("does not exist");
        create(dataSource, schema, true).init();
        create(dataSource, schema, true).init();
        create(dataSource, schema, false).init();
        try (JdbcLeaseStore s = create(dataSource, schema, false)) {
            s.init();
            assertThat(s.acquire("g", "a", 0, 1, LONG).heldBy("a")).isTrue();
        }
        assertThat(create(otherSource, schema, false).acquire("g", "b", 0, 1, LONG).holder())
                .as("the lease outlives the store that took it").isEqualTo("a");
    }
}
