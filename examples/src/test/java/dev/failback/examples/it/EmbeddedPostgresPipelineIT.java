package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettySink;
import dev.failback.testing.EmbeddedPostgres;
import dev.failback.testing.simulator.ChangefeedSimulator;
import dev.failback.testing.simulator.HrWorkload;
import dev.failback.testing.simulator.TargetVerifier;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What an application's IT does with failback-testing's {@link EmbeddedPostgres}: a Failback pipeline whose target
 * and staging are an embedded server, fed by the changefeed simulator, ends with the target equal to the source.
 */
class EmbeddedPostgresPipelineIT {

    @Test
    void aPipelineAppliesASimulatedChangefeedToAnEmbeddedPostgres() throws Exception {
        HrWorkload workload = new HrWorkload();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(); HikariDataSource target = pool(pg)) {
            try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA hr");
                for (String ddl : workload.postgresDdl("hr", true).split(";\n")) {
                    s.execute(ddl);
                }
            }
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback failback = Failback.builder().disableAuthentication().target(target)
                    .stagingSchema("hr_staging").createStagingSchema(true).sink(sink).start();
                    ChangefeedSimulator sim = ChangefeedSimulator.builder()
                            .url("http://127.0.0.1:" + sink.port() + "/postgres/hr").workload(workload).seed(11).build()) {
                sim.start();
                sim.runTransactions(400);
                Hlc end = sim.finish(Duration.ofSeconds(60));
                assertThat(failback.awaitApplied(end, Duration.ofSeconds(60))).as(failback.status().toString()).isTrue();
                TargetVerifier.Report report = TargetVerifier.verify(target, "hr", sim.model());
                assertThat(report.matches()).as(report.toString()).isTrue();
                assertThat(report.tables()).allSatisfy(t -> assertThat(t.targetRows()).isPositive());
            }
        }
    }

    private static HikariDataSource pool(EmbeddedPostgres pg) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.jdbcUrl());
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }
}
