package dev.failback.examples.cli.changefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link ChangefeedRunner} against CockroachDB in Testcontainers (skipped with a message without a
 * Docker engine), and against the local PostgreSQL to show the "not a CockroachDB cluster" error.
 */
class ChangefeedRunnerIT {
    private static CockroachContainer container;

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

    @Test
    void readsTheCursorAndCreatesAChangefeed() throws SQLException {
        CockroachContainer crdb = cockroach();
        ChangefeedRunner runner = ChangefeedRunner.of(crdb.getJdbcUrl(), crdb.getUsername(), crdb.getPassword());
        Hlc now = runner.clusterLogicalTimestamp();
        assertThat(Duration.between(now.toInstant(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));

        runner.applyClusterSettings(ClusterSettings.recommended());
        try (Connection c = java.sql.DriverManager.getConnection(crdb.getJdbcUrl(), crdb.getUsername(), crdb.getPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS employees (id INT PRIMARY KEY, name STRING)");
        }
        ChangefeedSpec spec = ChangefeedSpec.builder().tables("employees")
                .failbackUrl("https://failback.invalid:30004")
                .target(TargetKind.POSTGRESQL, "migration_db", "public")
                .authToken("it-token")
                .insecureTlsSkipVerify(true)
                .build();
        ChangefeedRunner.Created created = runner.create(spec);
        assertThat(created.jobId()).isPositive();
        assertThat(created.cursor()).isGreaterThanOrEqualTo(now);
        try (Connection c = java.sql.DriverManager.getConnection(crdb.getJdbcUrl(), crdb.getUsername(), crdb.getPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT sink_uri FROM [SHOW CHANGEFEED JOB " + created.jobId() + "]")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("webhook-https://failback.invalid:30004/migration_db/public");
            s.execute("CANCEL JOB " + created.jobId());
        }
    }

    @Test
    void postgresIsNotACockroachCluster() {
        String url = TestDatabases.postgresUrl();
        try (Connection probe = TestDatabases.postgres()) {
            assertThat(probe.isValid(5)).isTrue();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        ChangefeedRunner runner = ChangefeedRunner.of(url, null, null);
        assertThatThrownBy(runner::clusterLogicalTimestamp).isInstanceOf(ChangefeedException.class)
                .hasMessageStartingWith("not a CockroachDB cluster: jdbc:postgresql://")
                .hasMessageContaining("PostgreSQL");
        ChangefeedSpec spec = ChangefeedSpec.builder().tables("t").failbackUrl("https://h:1")
                .target(TargetKind.MYSQL, "db", null).authToken("secret-token").build();
        assertThatThrownBy(() -> runner.create(spec)).isInstanceOf(ChangefeedException.class)
                .hasMessageStartingWith("not a CockroachDB cluster").hasMessageNotContaining("secret-token");
    }
}
