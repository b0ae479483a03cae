package dev.failback.dialect.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;

/**
 * The type matrix on MySQL 8 (alias form of ON DUPLICATE KEY UPDATE, native JSON), in a Testcontainers
 * container. Skipped, naming Docker as the reason, where no Docker engine runs.
 */
class MySql8IT {
    private static MySQLContainer<?> mysql;

    /** Starts the container once; skips each test (so the reason shows per test) where Docker is missing. */
    @BeforeEach
    void startMySql() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            Assumptions.abort("SKIPPED: no Docker engine: MySQL 8 container cannot start");
        }
        if (mysql == null) {
            mysql = new MySQLContainer<>("mysql:8.4").withUsername("root").withPassword("test");
            mysql.start();
        }
    }

    @AfterAll
    static void stopMySql() {
        if (mysql != null) {
            mysql.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void everyColumnTypeLandsExactly(MySqlApplyTechnique technique) throws Exception {
        Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", "test");
        try (MyDatabase db = MyDatabase.create(c)) {
            MySqlDialect dialect = db.dialect(technique);
            assertThat(dialect.flavor()).isEqualTo(MySqlDialect.Flavor.MYSQL);
            TypeZoo.run(db, technique);
        }
    }
}
