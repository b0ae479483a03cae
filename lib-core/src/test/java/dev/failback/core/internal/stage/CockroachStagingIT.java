package dev.failback.core.internal.stage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The staging checks on CockroachDB in Testcontainers, with a two-part staging schema
 * ({@code database.schema}, created by the store). Each test is skipped with a message when there is
 * no Docker engine.
 */
class CockroachStagingIT extends StagingStoreChecks {
    private static CockroachContainer container;
    private HikariDataSource dataSource;
    private String database;

    static synchronized CockroachContainer cockroach() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            Assumptions.abort("SKIPPED: no Docker engine: CockroachDB container cannot start");
        }
        if (container == null) {
            CockroachContainer started = new CockroachContainer(DockerImageName.parse("cockroachdb/cockroach:v24.3.5"))
                    .withCommand("start-single-node --insecure");
            started.start();
            container = started;
        }
        return container;
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.stop();
        }
    }

    @BeforeEach
    void open() {
        CockroachContainer crdb = cockroach();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(crdb.getJdbcUrl());
        config.setUsername(crdb.getUsername());
        config.setPassword(crdb.getPassword());
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        database = "stagingit_" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (dataSource == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database + "\" CASCADE");
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
        return database + ".failback";
    }
}
