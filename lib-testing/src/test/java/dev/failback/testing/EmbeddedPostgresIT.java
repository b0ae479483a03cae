package dev.failback.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@link EmbeddedPostgres}: a real server from zonky's binaries that answers on its JDBC URL and data source, and
 * is gone, with its data directory, after close; and {@link TestDatabases}' {@code embedded} URL, which gives
 * {@link PostgresSchema} the shared one.
 */
class EmbeddedPostgresIT {

    @Test
    void startsAnswersAndIsGoneWithItsDataAfterClose() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start();
        try {
            assertThat(pg.version()).matches("\\d+\\.\\d+.*");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=postgres");
            assertThat(pg.dataDirectory().resolve("PG_VERSION")).exists();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
                TestDatabases.rows(c, "SELECT 1"); // DDL and data through the URL, read back through the data source
                c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
                c.createStatement().execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
            }
            try (Connection c = pg.dataSource().getConnection()) {
                assertThat(TestDatabases.rows(c, "SELECT v FROM t ORDER BY id")).containsExactly(
                        java.util.List.of("one"), java.util.List.of("two"));
                assertThat(TestDatabases.rows(c, "SHOW server_version").get(0).get(0)).isEqualTo(pg.version());
            }
        } finally {
            pg.close();
        }
        assertThat(Files.exists(pg.dataDirectory())).as("data directory left behind").isFalse();
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl()).close()).as("server still answers")
                .isInstanceOf(SQLException.class);
        pg.close(); // a second close does nothing
    }

    @Test
    void theEmbeddedUrlGivesPostgresSchemaTheSharedServer() throws Exception {
        String previous = System.getProperty("failback.test.pg.url");
        System.setProperty("failback.test.pg.url", TestDatabases.EMBEDDED);
        try (PostgresSchema schema = PostgresSchema.create("embedded")) {
            EmbeddedPostgres shared = EmbeddedPostgres.shared();
            assertThat(schema.jdbcUrl()).isEqualTo(shared.jdbcUrl());
            assertThat(schema.one("SHOW port")).isEqualTo(Integer.toString(shared.port()));
            schema.execute("CREATE TABLE $S.t (id INT PRIMARY KEY)", "INSERT INTO $S.t VALUES (7)");
            assertThat(schema.one("SELECT id FROM t")).isEqualTo("7");
            assertThat(EmbeddedPostgres.shared()).as("one per JVM").isSameAs(shared);
        } finally {
            if (previous == null) {
                System.clearProperty("failback.test.pg.url");
            } else {
                System.setProperty("failback.test.pg.url", previous);
            }
        }
    }
}
