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

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> keyCases() {
        java.util.List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
        for (MySqlApplyTechnique technique : MySqlApplyTechnique.values()) {
            for (dev.failback.dialect.KeyMatrix.Case c : KeyMatrixIT.cases("utf8mb4_0900_bin", true)) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(technique, c));
            }
        }
        return out.stream();
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

    /** The zoo's NULL side ({@link TypeZoo#runNulls}): every column to NULL, to its value, and back. */
    @ParameterizedTest
    @EnumSource(MySqlApplyTechnique.class)
    void everyColumnGoesToAndFromNull(MySqlApplyTechnique technique) throws Exception {
        Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", "test");
        try (MyDatabase db = MyDatabase.create(c)) {
            assertThat(db.dialect(technique).flavor()).isEqualTo(MySqlDialect.Flavor.MYSQL);
            TypeZoo.runNulls(db, technique);
        }
    }

    /** The key matrix ({@link KeyMatrixIT}) with MySQL 8's results: fractional seconds beyond a column's precision round. */
    @ParameterizedTest(name = "{0}: {1}")
    @org.junit.jupiter.params.provider.MethodSource("keyCases")
    void keyUpsertsUpdatesAndDeletes(MySqlApplyTechnique technique, dev.failback.dialect.KeyMatrix.Case c) throws Exception {
        Connection connection = DriverManager.getConnection(mysql.getJdbcUrl(), "root", "test");
        try (MyDatabase db = MyDatabase.create(connection)) {
            dev.failback.dialect.KeyMatrix.run(KeyMatrixIT.target(db, db.dialect(technique)), c, technique.name().toLowerCase());
        }
    }
}
